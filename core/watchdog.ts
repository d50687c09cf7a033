/**
 * Nothing left behind, even after SIGKILL: a small watchdog process (core/watchdog-process.mjs)
 * started on first use, which holds a pipe from this process. Whatever this process starts or
 * creates that would outlive it — a browser and its profile directory, proxies and toxics on a
 * shared Toxiproxy, state files under `.streamdrill/` — is registered here, and forgotten again
 * once this process has cleaned it up itself. If this process dies without saying goodbye (SIGKILL,
 * the OOM killer, a crash), the pipe closes and the watchdog carries out what is still registered.
 *
 * Signals (SIGINT, SIGTERM) are not the watchdog's business: commands handle those and clean up
 * themselves; the watchdog is the net below them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { OwnedObjects } from './cleanup.mjs';

export type WatchJob =
  | {
      kind: 'kill' /** text in the command line of the processes to kill (with their groups) */;
      match: string;
    }
  | { kind: 'remove'; path: string }
  | { kind: 'toxiproxy'; owned: OwnedObjects };

let child: ChildProcess | undefined;
let disabled = false;

function send(msg: unknown): void {
  if (disabled) return;
  if (!child) {
    try {
      child = spawn(process.execPath, [join(import.meta.dirname, 'watchdog-process.mjs')], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.unref();
      // The pipe must not keep this process alive either.
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      child.stdin!.on('error', () => {});
      child.on('error', () => {
        disabled = true;
      });
    } catch {
      disabled = true;
      return;
    }
  }
  child.stdin!.write(`${JSON.stringify(msg)}\n`);
}

/** Registers (or replaces) what to undo under `id` if this process dies without cleaning up. */
export function watch(id: string, jobs: WatchJob[]): void {
  send({ op: 'set', id, jobs });
}

/** This process has cleaned `id` up itself. */
export function unwatch(id: string): void {
  if (!child) return;
  send({ op: 'forget', id });
}

/**
 * Tells the watchdog this process is leaving cleanly (call after your own cleanup): it exits
 * without touching anything. Safe to call more than once.
 */
export function releaseWatchdog(): void {
  if (!child) return;
  send({ op: 'done' });
  child.stdin!.end();
  child = undefined;
}

/** The watchdog's process id (tests). */
export function watchdogPid(): number | undefined {
  return child?.pid;
}
