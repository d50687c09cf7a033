import { describe, expect, it } from 'vitest';
import type { SessionEvent, SessionLabels } from '../core/events.ts';
import { createRng } from '../core/rng.ts';
import { HintedSessionEvent } from '../metrics/incremental.ts';
import { EventEmitter } from './emitter.ts';

const labels = (cdn: string): SessionLabels => ({
  region: 'emea',
  isp: 'eu-telco',
  device: 'desktop',
  player: 'hlsjs',
  playerVersion: '1.7.4',
  channel: 'news',
  variant: 'clear',
  drm: 'none',
  cdn,
  pop: 'fra',
});

describe('EventEmitter', () => {
  // Emission order within a step: slot by slot, each slot's events in time order (as the simulator).
  const cases: [string, (rng: ReturnType<typeof createRng>, i: number, k: number, t: number) => number][] = [
    ['spread over a one-second step', (rng, _i, _k, t) => t + Math.round(rng.next() * 300_000) / 1000],
    // Most events in a few ms and one far later: buckets of many keys.
    [
      'clustered, with an outlier',
      (rng, i, k, t) => (i === 7 && k === 0 ? t + 900 : t + rng.int(3000) / 1000),
    ],
    ['at one instant', (_rng, _i, _k, t) => t],
  ];
  for (const [name, next] of cases) {
    it(`hands events ${name} over in time order (to the microsecond), then in emission order`, () => {
      const rng = createRng(`emitter-${name}`);
      const got: SessionEvent[] = [];
      const em = new EventEmitter((e) => got.push(e), 50, 80);
      for (let i = 0; i < 50; i++) em.begin(i, `vs-${i}-1`, labels('cdn-a'));
      const want: { sid: string; t: number; n: number }[] = [];
      let n = 0;
      for (let i = 0; i < 50; i++) {
        let t = 1_000_000 + rng.int(100);
        for (let k = 0; k < 1 + rng.int(6); k++) {
          t = next(rng, i, k, t);
          if (rng.next() < 0.5) em.heartbeat(i, t, 20, 1_000_000);
          else em.emit(i, 'playbackStall', t);
          want.push({ sid: `vs-${i}-1`, t, n: n++ });
        }
      }
      em.flush();
      want.sort((a, b) => Math.round(a.t * 1000) - Math.round(b.t * 1000) || a.n - b.n);
      expect(got.map((e) => [e.sid, e.t])).toEqual(want.map((w) => [w.sid, w.t]));
      expect(em.total).toBe(want.length);
    });
  }

  it('builds plain session events (JSON and keys as literals) with a new hint epoch per session and labels', () => {
    const got: SessionEvent[] = [];
    const em = new EventEmitter((e) => got.push(e), 2, 80);
    em.begin(0, 'vs-0-1', labels('cdn-a'));
    em.heartbeat(0, 10, 19.998, 4_000_000);
    em.emit(0, 'playbackStall', 11);
    em.relabel(0, { ...labels('cdn-b'), pop: 'ams' });
    em.emit(0, 'pathwayChange', 12, { from: 'cdn-a', to: 'cdn-b' });
    em.flush();
    expect(JSON.stringify(got[0])).toBe(
      JSON.stringify({
        sid: 'vs-0-1',
        type: 'heartbeat',
        t: 10,
        labels: labels('cdn-a'),
        weight: 80,
        data: { mediaSeconds: 19.998, bitsPlayed: 4_000_000 },
      }),
    );
    expect(Object.keys(got[1]!)).toEqual(['sid', 'type', 't', 'labels', 'weight']);
    expect(got[2]!.labels.cdn).toBe('cdn-b');
    expect(HintedSessionEvent.slotOf(got[0]!)).toBe(0);
    expect(HintedSessionEvent.epochOf(got[1]!)).toBe(HintedSessionEvent.epochOf(got[0]!));
    expect(HintedSessionEvent.epochOf(got[2]!)).not.toBe(HintedSessionEvent.epochOf(got[0]!));
    expect(em.counts).toEqual({ heartbeat: 1, playbackStall: 1, pathwayChange: 1 });
  });
});
