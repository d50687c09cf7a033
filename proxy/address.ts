/** Parsing of Toxiproxy's "host:port" addresses. */
import { isIPv6 } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses "host:port", "[v6]:port" or ":port". An empty host means loopback: streamdrill binds
 * 127.0.0.1 unless told otherwise (Toxiproxy would listen on every interface).
 */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  let host = m[1] ?? m[2] ?? '';
  if (m[1] && !isIPv6(m[1])) return undefined;
  if (host === '') host = '127.0.0.1';
  return { host, port };
}

export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
