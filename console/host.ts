/**
 * Serves a live session's console: builds the app when needed, starts the server, and leaves the
 * URL (and token) where `streamdrill act` finds it (`.streamdrill/console.json`).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwatch, watch } from '../core/watchdog.ts';
import { type ConsoleServer, startConsoleServer } from './server.ts';
import type { ConsoleSession } from './session.ts';

export const CONSOLE_STATE_DIR = '.streamdrill';
export const CONSOLE_FILE = join(CONSOLE_STATE_DIR, 'console.json');

export interface HostOptions {
  host?: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export async function hostConsole(session: ConsoleSession, o: HostOptions = {}): Promise<ConsoleServer> {
  const { ensureConsoleBuilt } = await import('./build.ts');
  const appDir = await ensureConsoleBuilt(o.log ? { log: o.log } : {});
  const server = await startConsoleServer({
    session,
    appDir,
    ...(o.host ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.token ? { token: o.token } : {}),
  });
  mkdirSync(CONSOLE_STATE_DIR, { recursive: true });
  writeFileSync(
    CONSOLE_FILE,
    `${JSON.stringify({ url: server.url, token: server.token ?? null, pid: process.pid }, null, 2)}\n`,
    { mode: 0o600 },
  );
  const stateFile = join(process.cwd(), CONSOLE_FILE);
  watch(`file:${stateFile}`, [{ kind: 'remove', path: stateFile }]);
  const close = server.close;
  return {
    ...server,
    close: async () => {
      rmSync(CONSOLE_FILE, { force: true });
      unwatch(`file:${stateFile}`);
      await close();
    },
  };
}
