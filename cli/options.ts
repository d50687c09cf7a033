/** Flag value parsers for commander: each rejects bad values with a message naming what was expected. */
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new InvalidArgumentError(
      `expected a TCP port number from 0 to 65535, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError(`expected a whole number (0 or more), got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function parseHost(value: string): string {
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(value)) {
    throw new InvalidArgumentError(`expected a host name or IP address, got ${JSON.stringify(value)}`);
  }
  return value;
}
