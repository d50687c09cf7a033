import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.ts';

const T0 = Date.parse('2026-11-21T19:31:00Z');

describe('Pacer', () => {
  it('runs drill time at its speed against the wall clock', async () => {
    const p = new Pacer(10);
    const wall0 = performance.now();
    for (let t = T0; t <= T0 + 3000; t += 1000) await p.until(t);
    // 3 s of drill time at 10x: about 300 ms.
    const took = performance.now() - wall0;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2000);
  });

  it('stands still while paused, from the very first step, and goes on after resume', async () => {
    const p = new Pacer(100);
    p.pause();
    let reached = false;
    const done = p
      .until(T0)
      .then(() => p.until(T0 + 1000))
      .then(() => {
        reached = true;
      });
    await new Promise((r) => setTimeout(r, 300));
    expect(reached).toBe(false);
    p.resume();
    await done;
    expect(reached).toBe(true);
  });

  it('changes speed live and refuses nonsense speeds', async () => {
    const p = new Pacer(1);
    await p.until(T0);
    p.setSpeed(1000);
    const wall0 = performance.now();
    await p.until(T0 + 10_000);
    expect(performance.now() - wall0).toBeLessThan(1000);
    expect(() => p.setSpeed(0)).toThrow(/speed must be > 0/);
  });
});
