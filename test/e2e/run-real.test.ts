/**
 * A scenario in real time on the real stack with real players: every fault the timeline applied is
 * removed at the end, and when the run is interrupted with Ctrl-C the journal is still written, the
 * faults are removed and no browser is left behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReal } from '../../drill/run-real.ts';
import { loadRunbook } from '../../incident/runbook.ts';
import { DEFAULT_RULES, loadRules } from '../../rules/load.ts';
import { loadScenario } from '../../scenarios/load.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'real-short.yaml');
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');

/** Processes whose command line mentions `marker` (the child's own temp dir: its browser profile lives there). */
const processesWith = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-c', '-f', marker], { encoding: 'utf8' }).trim();
  } catch {
    return '0';
  }
};

describe('real-time runs', () => {
  it('plays a scenario on the real stack and removes every fault at the end', async () => {
    const loaded = await loadScenario(FIXTURE);
    const { result, events } = await runReal({
      loaded,
      rules: await loadRules(),
      rulesFile: DEFAULT_RULES,
      runbook: await loadRunbook(),
      team: 'none',
      warmupMs: 8000,
    });
    expect(result.endedBy).toBe('end');
    const applied = events.filter((e) => e.type === 'fault.applied').map((e) => e.step);
    const removed = events.filter((e) => e.type === 'fault.removed').map((e) => [e.step, e.reason]);
    expect(applied.sort()).toEqual(['fra-503', 'fra-latency']);
    expect(removed.sort()).toEqual([
      ['fra-503', 'end'],
      ['fra-latency', 'end'],
    ]);
    const sessions = new Set(events.filter((e) => e.type === 'session.playbackStart').map((e) => e.sid));
    expect(sessions.size).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.type === 'impact.sample').length).toBeGreaterThan(1);
    expect(events.at(-1)?.type === 'run.ended' || events.some((e) => e.type === 'run.ended')).toBe(true);
  }, 120_000);

  it('on Ctrl-C writes the journal, removes the faults and leaves no browser', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sd-real-int-'));
    // Its own TMPDIR, so its Chromium profile (and so its browser processes) can be told from
    // those of tests running in parallel.
    const childTmp = mkdtempSync(join(tmpdir(), 'sd-real-tmp-'));
    const child = spawn(
      process.execPath,
      [BIN, 'run', FIXTURE, '--real', '--team', 'none', '--out', out, '--no-history'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TMPDIR: childTmp },
      },
    );
    let output = '';
    let browsers = '0';
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    // Wait until the drill has applied its faults (scenario time 5 s after a 20 s warm-up).
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no progress: ${output}`)), 60_000);
      const check = setInterval(() => {
        if (/stack control API/.test(output)) {
          clearInterval(check);
          clearTimeout(t);
          setTimeout(resolve, 28_000);
        }
      }, 200);
    });
    browsers = processesWith(childTmp);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const journal = readFileSync(join(out, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; reason?: string; step?: string });
    expect(journal.filter((e) => e.type === 'fault.applied').length).toBe(2);
    expect(journal.filter((e) => e.type === 'fault.removed').map((e) => e.reason)).toEqual([
      'interrupt',
      'interrupt',
    ]);
    expect(journal.find((e) => e.type === 'run.ended')?.reason).toBe('interrupt');
    expect(existsSync(join(out, 'result.json'))).toBe(true);
    expect(Number(browsers)).toBeGreaterThan(0); // the check below can fail
    expect(processesWith(childTmp)).toBe('0');
  }, 120_000);
});
