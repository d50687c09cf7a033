/**
 * Long-running commands stopped by CI cancels, systemd and `timeout` (SIGTERM) as well as Ctrl-C
 * (SIGINT): they stop promptly, write their journal, remove their faults, leave no browser behind,
 * and exit 143 / 130.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-process.ts';

const journalOf = (dir: string) =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; reason?: string; interrupted?: string | null });

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('interrupting long-running commands', () => {
  it('run --virtual on SIGTERM: exit 143, the journal and result written, every fault removed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sd-int-run-'));
    const out = join(cwd, 'out');
    const run = startCli(
      ['run', 'slow-leak', '--team', 'bot', '--journal-sessions', '--out', out, '--no-history'],
      {
        cwd,
      },
    );
    // The journal file is opened before time starts; give the run a moment to be mid-way.
    await until(() => existsSync(join(out, 'journal.jsonl')), 60_000, 'the run to start');
    await new Promise((r) => setTimeout(r, 500));
    run.child.kill('SIGTERM');
    expect(await run.exited, run.output()).toBe(143);
    const events = journalOf(out);
    expect(events.find((e) => e.type === 'run.ended')?.reason).toBe('interrupt');
    const applied = events.filter((e) => e.type === 'fault.applied').length;
    expect(events.filter((e) => e.type === 'fault.removed').length).toBe(applied);
    expect(existsSync(join(out, 'result.json'))).toBe(true);
  }, 120_000);

  it('play on SIGTERM: stops at once (not at the end of --duration), exit 143, no browser left', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sd-int-play-'));
    const out = join(cwd, 'out');
    const play = startCli(['play', '--players', '2', '--duration', '10m', '--out', out], { cwd });
    await until(() => play.output().includes('Ctrl-C stops early'), 90_000, 'the fleet to start');
    const pid = play.child.pid!;
    const profiles = () => readdirSync(tmpdir()).filter((d) => d.startsWith(`streamdrill-chromium-${pid}-`));
    expect(profiles().length).toBe(1);
    const t0 = Date.now();
    play.child.kill('SIGTERM');
    expect(await play.exited, play.output()).toBe(143);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(journalOf(out).at(-1)).toMatchObject({ type: 'play.end', interrupted: 'SIGTERM' });
    expect(profiles()).toEqual([]);
  }, 180_000);
});
