import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { RealClock, VirtualClock } from '../../core/clock.ts';
import { httpGet } from '../../test/support/fake-origin.ts';
import { capacityPlugin, createCapacityGate } from './capacity.ts';

describe('capacity gate', () => {
  it('serves at most `concurrency` at once, each for at least serviceMs, in FIFO order', async () => {
    const gate = createCapacityGate({ clock: new RealClock(), concurrency: 2, serviceMs: 50 });
    let maxSeen = 0;
    const order: number[] = [];
    const t0 = performance.now();
    const ends = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        gate
          .run(async () => {
            maxSeen = Math.max(maxSeen, gate.inFlight());
            order.push(i);
            return performance.now() - t0;
          })
          .then(() => performance.now() - t0),
      ),
    );
    const total = performance.now() - t0;
    expect(maxSeen).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(total).toBeGreaterThanOrEqual(145);
    expect(total).toBeLessThan(400);
    // Pairs finish at ~50, ~100, ~150 ms: latency grows with the queue.
    expect(ends[1]!).toBeLessThan(ends[5]! - 80);
    expect(gate.stats()).toMatchObject({
      admitted: 6,
      completed: 6,
      inFlight: 0,
      queued: 0,
      maxInFlight: 2,
      maxQueued: 4,
    });
  });

  it('runs on a virtual clock, and frees the slot when fn throws', async () => {
    const clock = new VirtualClock();
    const gate = createCapacityGate({ clock, concurrency: 1, serviceMs: 1000 });
    const a = gate.run(async () => {
      throw new Error('boom');
    });
    const b = gate.run(async () => 'b');
    await Promise.resolve();
    expect([gate.inFlight(), gate.queued()]).toEqual([1, 1]);
    clock.advanceBy(1000);
    await expect(a).rejects.toThrow('boom');
    await new Promise((r) => setTimeout(r, 0));
    expect([gate.inFlight(), gate.queued()]).toEqual([1, 0]);
    clock.advanceBy(1000);
    await expect(b).resolves.toBe('b');
    expect(gate.stats().waitMs).toEqual({ count: 2, sum: 1000, max: 1000 });
  });

  it('rejects bad options', () => {
    const clock = new VirtualClock();
    expect(() => createCapacityGate({ clock, concurrency: 0, serviceMs: 1 })).toThrow(/concurrency/);
    expect(() => createCapacityGate({ clock, concurrency: 1, serviceMs: -1 })).toThrow(/serviceMs/);
  });

  it('plugs into a fastify app: concurrent requests queue for slots', async () => {
    const gate = createCapacityGate({ clock: new RealClock(), concurrency: 2, serviceMs: 50 });
    const app = Fastify();
    let maxSeen = 0;
    await app.register(capacityPlugin(gate));
    app.get('/x', async () => {
      maxSeen = Math.max(maxSeen, gate.inFlight());
      return 'ok';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const t0 = performance.now();
      const res = await Promise.all([0, 1, 2, 3, 4, 5].map(() => httpGet(`http://127.0.0.1:${port}/x`)));
      const total = performance.now() - t0;
      expect(res.every((r) => r.status === 200 && r.text === 'ok')).toBe(true);
      expect(maxSeen).toBe(2);
      expect(total).toBeGreaterThanOrEqual(145);
      expect(total).toBeLessThan(600);
      await new Promise((r) => setTimeout(r, 10));
      expect(gate.stats()).toMatchObject({ admitted: 6, completed: 6, inFlight: 0, maxInFlight: 2 });
    } finally {
      await app.close();
    }
  });
});
