/** How CLI commands reach a running stack's control API: --control, STREAMDRILL_CONTROL, or the state file `stack up` writes. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './errors.ts';

export const STATE_DIR = '.streamdrill';
export const STACK_FILE = join(STATE_DIR, 'stack.json');

export function controlUrl(flag?: string): string {
  if (flag) return flag.replace(/\/+$/, '');
  if (process.env.STREAMDRILL_CONTROL) return process.env.STREAMDRILL_CONTROL.replace(/\/+$/, '');
  if (existsSync(STACK_FILE)) {
    try {
      const s = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as { control?: string };
      if (s.control) return s.control;
    } catch {
      throw new InputError(`${STACK_FILE}: unreadable; remove it and start the stack again`);
    }
  }
  throw new InputError("no running stack found: start one with 'streamdrill stack up' or pass --control URL");
}

export async function callControl(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new InputError(
      `cannot reach the stack's control API at ${base} (${(err as Error).cause ?? (err as Error).message}); is 'streamdrill stack up' running?`,
    );
  }
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const msg = (data as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
    throw new InputError(`${method} ${path}: ${msg}`);
  }
  return data;
}
