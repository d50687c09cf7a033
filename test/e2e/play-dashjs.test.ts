/**
 * `streamdrill play --cohorts player=dashjs`: real dash.js viewers (the opt-in third player) play
 * the stub stack, clear and encrypted (ClearKey through the stack's licence server), and their
 * journal carries the same CTA-2066 session events as hls.js and Shaka viewers, labelled dash.js
 * at its pinned version.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../core/journal.ts';
import { isSessionEvent } from '../../core/journal-events.ts';
import { playerTraits } from '../../players/registry.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');

describe('streamdrill play --cohorts player=dashjs', () => {
  it('plays real dash.js viewers, clear and encrypted, with the common session events', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sd-play-dashjs-'));
    const out = join(cwd, 'out');
    const args = [
      'play',
      '--players',
      '4',
      '--duration',
      '20s',
      '--interval',
      '5s',
      '--cohorts',
      'region=emea;player=dashjs;variant=clear,enc',
      '--out',
      out,
    ];
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [BIN, ...args], { cwd, timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('player dashjs 4');

    const events = readFileSync(join(out, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalEvent);
    const session = events.filter(isSessionEvent);
    const labels = session.map((e) => e.labels);
    expect(new Set(labels.map((l) => l.player))).toEqual(new Set(['dashjs']));
    expect(new Set(labels.map((l) => l.playerVersion))).toEqual(new Set([playerTraits('dashjs').version]));

    const sids = new Set(session.map((e) => e.sid));
    expect(sids.size).toBe(4);
    for (const sid of sids) {
      const mine = session.filter((e) => e.sid === sid);
      const types = new Set<string>(mine.map((e) => e.type));
      for (const t of [
        'session.playbackRequest',
        'session.playbackStart',
        'session.renditionUpdate',
        'session.heartbeat',
        'session.playbackExit',
      ])
        expect(types.has(t), `${sid}: ${t}`).toBe(true);
      expect(types.has('session.playbackFail'), `${sid} failed`).toBe(false);
      const start = mine.find((e) => e.type === 'session.playbackStart')!;
      const data = start.data as { startupMs: number; manifestMs?: number; licenceMs?: number };
      expect(data.startupMs).toBeGreaterThan(0);
      expect(data.manifestMs).toBeGreaterThan(0);
      // Encrypted viewers got their key from the stack's ClearKey licence server.
      const variant = start.labels.variant;
      if (variant === 'enc') expect(data.licenceMs).toBeGreaterThan(0);
      else expect(data.licenceMs).toBeUndefined();
    }
    expect(new Set(labels.map((l) => l.variant))).toEqual(new Set(['clear', 'enc']));
    // Watched media: heartbeats carry the seconds played.
    const played = session
      .filter((e) => e.type === 'session.heartbeat')
      .reduce((s, e) => s + ((e.data as { mediaSeconds: number }).mediaSeconds ?? 0), 0);
    expect(played).toBeGreaterThan(4 * 10);
  }, 120_000);
});
