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

/**
 * The control API's token for `base`: STREAMDRILL_CONTROL_TOKEN, else the one `stack up` wrote beside
 * the URL in its state file (a stack bound beyond loopback has one).
 */
export function controlToken(base: string): string | undefined {
  if (process.env.STREAMDRILL_CONTROL_TOKEN) return process.env.STREAMDRILL_CONTROL_TOKEN;
  if (!existsSync(STACK_FILE)) return undefined;
  try {
    const s = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as { control?: string; token?: string | null };
    return s.control === base && s.token ? s.token : undefined;
  } catch {
    return undefined;
  }
}

export async function callControl(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    const token = controlToken(base);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    res = await fetch(`${base}${path}`, {
      method,
      headers,
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
