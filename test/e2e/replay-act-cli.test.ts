/**
 * Trainer mode from the command line: `streamdrill replay worked-example` in its own process, the
 * trainer pausing it from the console API once the page fires, the team acting with
 * `streamdrill act` from a second shell, then the replay running to its end and writing its
 * journal, report and scorecard. The steer taken from the CLI really moves EMEA to cdn-b.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../../console/api.ts';
import { type JournalEvent, type JournalEventOf, readJournal } from '../../core/journal.ts';
import { eventsOf } from '../../core/journal-events.ts';
import { BIN, type CliProcess, startCli } from '../support/cli-process.ts';
import { actionEvents, DRILL_ACTIONS } from '../support/console-actions.ts';

const cwd = mkdtempSync(join(tmpdir(), 'sd-replay-'));
let child: ChildProcess;
let replay: CliProcess;
let url = '';
const cliResults: { args: string[]; code: number; stdout: string; stderr: string }[] = [];
let pausedAt: ConsoleSnapshot;
let exitCode: number | null = null;
let events: JournalEvent[] = [];

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, timeout: 30_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

beforeAll(async () => {
  const noConsole = await cli(['act', 'acknowledge', '--role', 'oncall']);
  cliResults.push({ args: ['(no console)'], ...noConsole });
  replay = startCli(
    ['replay', 'worked-example', '--speed', '40', '--exit-when-done', '--no-history', '--out', 'out'],
    { cwd },
  );
  child = replay.child;
  url = await replay.consoleUrl();
  // The trainer waits for the page, then pauses the room while the team acts.
  for (;;) {
    const s = await api<ConsoleSnapshot>('/api/snapshot');
    if (s.alerts.some((a) => a.action === 'page' && a.state === 'firing')) break;
    if (child.exitCode !== null) throw new Error(`replay ended before the page: ${replay.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await api('/api/trainer/control', { op: 'pause' });
  pausedAt = await api<ConsoleSnapshot>('/api/snapshot');
  for (const a of DRILL_ACTIONS) cliResults.push({ args: a.cli, ...(await cli(['act', ...a.cli])) });
  cliResults.push({ args: ['declare SEV9'], ...(await cli(['act', 'declare', 'SEV9', '--role', 'oncall'])) });
  cliResults.push({ args: ['no role'], ...(await cli(['act', 'resolve'])) });
  await api('/api/trainer/control', { op: 'speed', speed: 400 });
  await api('/api/trainer/control', { op: 'resume' });
  exitCode = await replay.exited;
  ({ events } = await readJournal(join(cwd, 'out', 'journal.jsonl')));
}, 240_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('streamdrill replay with streamdrill act', () => {
  it('says plainly when there is no console to act on', () => {
    expect(cliResults[0]!.code).toBe(1);
    expect(cliResults[0]!.stderr).toMatch(/no running console found/);
  });

  it('pauses: drill time stands still while the team acts', async () => {
    expect(pausedAt.clock.paused).toBe(true);
    const steer = events.find((e) => e.type === 'action.mitigate')!;
    const ack = events.find((e) => e.type === 'action.acknowledge')!;
    // All five CLI actions landed within a few seconds of drill time of each other (paused).
    expect(steer.t - ack.t).toBeLessThan(10_000);
  });

  it('journals exactly the actions the CLI took, with their roles', () => {
    for (const r of cliResults.slice(1, 1 + DRILL_ACTIONS.length)) expect(r.code, r.stderr).toBe(0);
    expect(actionEvents(events)).toEqual(DRILL_ACTIONS.map((a) => a.event));
    expect(events.find((e) => e.type === 'lever.pulled')).toMatchObject({ lever: 'steer', role: 'ops' });
  });

  it('refuses bad actions with a clear one-line error', () => {
    const sev9 = cliResults.find((r) => r.args[0] === 'declare SEV9')!;
    expect(sev9.code).toBe(1);
    expect(sev9.stderr).toMatch(/declare refused: invalid action: severity/);
    expect(sev9.stderr).not.toMatch(/\n\s+at /);
    const noRole = cliResults.find((r) => r.args[0] === 'no role')!;
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toMatch(/--role is required/);
  });

  it('runs to the end and writes the journal, the report and the scorecard', () => {
    expect(exitCode).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.ended', reason: 'end' });
    expect(readFileSync(join(cwd, 'out', 'report.html'), 'utf8')).toContain('<svg');
    expect(replay.output()).toMatch(/scorecard: \d+\/100/);
  });

  it('moves EMEA off cdn-a after the steer taken from the CLI', () => {
    const steerAt = events.find((e) => e.type === 'lever.pulled')!.t;
    const emeaCdnA = (e: JournalEventOf<'impact.sample'>) => e.slices.cdn?.['cdn-a']?.viewers ?? 0;
    const samples = eventsOf(events, 'impact.sample');
    const before = samples.filter((e) => e.t < steerAt).at(-1)!;
    const after = samples.find((e) => e.t > steerAt + 5 * 60_000)!;
    // cdn-a keeps only its North American viewers once EMEA is steered away.
    expect(emeaCdnA(after)).toBeLessThan(emeaCdnA(before) * 0.75);
  });
});
