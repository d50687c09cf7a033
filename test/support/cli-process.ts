/**
 * A `streamdrill` command in its own process, as a user would start it in a terminal: its output
 * collected, its exit awaited, and — for `drill` and `replay` — the console URL it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');

export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the console's base URL once printed (rejects if the process ends first). */
  consoleUrl(): Promise<string>;
}

export function startCli(args: string[], o: { cwd: string; env?: Record<string, string> }): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...o.env },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const URL_RE = /console: (http:\/\/\S+?)\/\s/;
  return {
    child,
    output: () => output,
    exited,
    async consoleUrl() {
      while (!URL_RE.test(output)) {
        if (child.exitCode !== null) throw new Error(`streamdrill ${args[0]} exited early: ${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return URL_RE.exec(output)![1]!;
    },
  };
}
