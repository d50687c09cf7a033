/** `--seed` makes jitter reproducible: the same seed gives the same delays, another seed others. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { EchoClient } from '../test/support/net.ts';
import { startProxied } from '../test/support/proxied.ts';
import { latency } from './toxics/latency.ts';
import type { StageContext } from './toxics/toxic.ts';

/** Delays the latency toxic schedules for 30 chunks, read from a fake stage context (no sockets). */
function scheduledDelays(seedText: string): number[] {
  let now = 0;
  const delays: number[] = [];
  const ctx: StageContext = {
    forward: () => {},
    end: () => {},
    close: () => {},
    reset: () => {},
    rng: createRng(seedText),
    setTimer: (_fn, ms) => {
      delays.push(ms);
      return setTimeout(() => {}, 0);
    },
    clearTimer: (t) => clearTimeout(t),
    now: () => now,
  };
  const stage = latency.create({ latency: 100, jitter: 50 }, ctx);
  for (let i = 0; i < 30; i++) {
    stage.onData(Buffer.from('x'));
    stage.drain(); // release at once so the next chunk schedules its own timer
    now += 1000;
  }
  return delays;
}

describe('seeded jitter', () => {
  it('gives the same sequence for the same seed (exact, no sockets)', () => {
    const a = scheduledDelays('seed-1|p|0|downstream|lat');
    const b = scheduledDelays('seed-1|p|0|downstream|lat');
    const c = scheduledDelays('seed-2|p|0|downstream|lat');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...a)).toBeLessThan(150);
  });

  it('gives the same measured jitter sequence through two servers with the same seed', async () => {
    const measure = async (seed: number) => {
      const px = await startProxied({ seed });
      await px.addToxic('echo', { type: 'latency', name: 'j', attributes: { latency: 100, jitter: 90 } });
      const c = await EchoClient.connect(px.echoPort);
      const rtts: number[] = [];
      for (let i = 0; i < 8; i++) rtts.push(await c.rtt());
      c.close();
      await px.close();
      return rtts;
    };
    const first = await measure(42);
    const second = await measure(42);
    const other = await measure(43);
    // Scheduling noise is a few ms; the jitter range is 180 ms.
    for (const [i, v] of first.entries()) expect(Math.abs(v - second[i]!)).toBeLessThan(12);
    expect(first.some((v, i) => Math.abs(v - other[i]!) > 15)).toBe(true);
  });
});
