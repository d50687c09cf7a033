/**
 * The post-incident review of a real virtual drill shows how to undo each mitigation. The worked
 * example's scripted team steers EMEA to cdn-b; the incident desk journals the lever's undo as a
 * lever call ({lever, args}), and the review's action items must name it — which the hand-built
 * report fixture once hid by journaling the undo as a string.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../core/journal.ts';
import { eventsOf } from '../../core/journal-events.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'streamdrill.mjs');
let out: string;
let code: number;
let output: string;

beforeAll(async () => {
  out = join(await mkdtemp(join(tmpdir(), 'sd-pir-undo-')), 'run');
  ({ code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        BIN,
        'run',
        'worked-example',
        '--virtual',
        '--team',
        'script',
        '--out',
        out,
        '--quiet',
        '--no-history',
      ],
      { cwd: ROOT, timeout: 240_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }),
    );
  }));
}, 240_000);

describe('the PIR of the worked example run with its scripted team', () => {
  it('journals the steer with its undo as a lever call', async () => {
    expect(code, output).toBe(0);
    const { events, warnings } = await readJournal(join(out, 'journal.jsonl'));
    expect(warnings).toEqual([]);
    expect(eventsOf(events, 'lever.pulled')).toEqual([
      expect.objectContaining({
        lever: 'steer',
        args: { region: 'emea', cdn: 'cdn-b' },
        undo: { lever: 'steer', args: { region: 'emea', cdn: 'cdn-a' } },
        role: 'ops',
      }),
    ]);
  });

  it('names the undo in the action items', async () => {
    const pir = await readFile(join(out, 'pir.md'), 'utf8');
    const items = pir.slice(pir.indexOf('## Action items'));
    expect(items).toMatch(
      /^- \[ \] .*follow-up for the `steer` mitigation at \d\d:\d\d:\d\d \(undo: steer \(region=emea, cdn=cdn-a\)\)\.$/m,
    );
    expect(pir).not.toContain('[object Object]');
  });
});
