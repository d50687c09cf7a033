import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoClient } from '../../test/support/net.ts';
import { median, type Proxied, startProxied } from '../../test/support/proxied.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied();
});
afterAll(() => px.close());

describe('latency toxic', () => {
  it('adds the configured latency to every round trip', async () => {
    const c = await EchoClient.connect(px.echoPort);
    const base = median([await c.rtt(), await c.rtt(), await c.rtt()]);
    await px.addToxic('echo', { type: 'latency', name: 'lat', attributes: { latency: 80 } });
    const slow = [await c.rtt(), await c.rtt(), await c.rtt()];
    await px.removeToxic('echo', 'lat');
    c.close();
    // Delays only add: every round trip waits at least the latency. The upper bound is on the
    // median, so a scheduling hiccup of a loaded machine on one sample does not fail it.
    for (const rtt of slow) expect(rtt).toBeGreaterThanOrEqual(79);
    expect(median(slow)).toBeLessThan(80 + base + 25);
  });

  it('keeps jitter within latency ± jitter and actually varies', async () => {
    await px.addToxic('echo', { type: 'latency', name: 'jit', attributes: { latency: 60, jitter: 40 } });
    const c = await EchoClient.connect(px.echoPort);
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) samples.push(await c.rtt());
    c.close();
    await px.removeToxic('echo', 'jit');
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(19);
    // At most latency + jitter, but for the odd sample a loaded machine delays.
    expect(samples.filter((s) => s >= 100 + 25).length).toBeLessThanOrEqual(2);
    expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(20);
  });

  it('applies upstream (client to server) as well as downstream', async () => {
    await px.addToxic('echo', {
      type: 'latency',
      name: 'up',
      stream: 'upstream',
      attributes: { latency: 70 },
    });
    const c = await EchoClient.connect(px.echoPort);
    const rtt = await c.rtt();
    c.close();
    await px.removeToxic('echo', 'up');
    expect(rtt).toBeGreaterThanOrEqual(69);
  });

  it('acts on a connection that was already open, and stops when removed', async () => {
    const c = await EchoClient.connect(px.echoPort);
    const before = await c.rtt();
    await px.addToxic('echo', { type: 'latency', name: 'live', attributes: { latency: 90 } });
    const during = await c.rtt();
    await px.removeToxic('echo', 'live');
    const after = await c.rtt();
    c.close();
    expect(before).toBeLessThan(30);
    expect(during).toBeGreaterThanOrEqual(89);
    expect(after).toBeLessThan(30);
  });

  it('toxicity 0 spares every connection, toxicity 1 hits every one', async () => {
    await px.addToxic('echo', { type: 'latency', name: 't0', toxicity: 0, attributes: { latency: 200 } });
    for (let i = 0; i < 5; i++) {
      const c = await EchoClient.connect(px.echoPort);
      expect(await c.rtt()).toBeLessThan(100);
      c.close();
    }
    await px.removeToxic('echo', 't0');
    await px.addToxic('echo', { type: 'latency', name: 't1', toxicity: 1, attributes: { latency: 50 } });
    for (let i = 0; i < 5; i++) {
      const c = await EchoClient.connect(px.echoPort);
      expect(await c.rtt()).toBeGreaterThanOrEqual(49);
      c.close();
    }
    await px.removeToxic('echo', 't1');
  });

  it('draws toxicity once per connection: 0.5 hits some connections and spares others', async () => {
    await px.addToxic('echo', { type: 'latency', name: 'half', toxicity: 0.5, attributes: { latency: 60 } });
    let hit = 0;
    for (let i = 0; i < 20; i++) {
      const c = await EchoClient.connect(px.echoPort);
      const first = await c.rtt();
      const second = await c.rtt();
      c.close();
      // Same draw for the whole connection: both round trips agree.
      expect(first >= 59).toBe(second >= 59);
      if (first >= 59) hit++;
    }
    await px.removeToxic('echo', 'half');
    expect(hit).toBeGreaterThan(2);
    expect(hit).toBeLessThan(18);
  });

  it('holds data for a latency beyond what Node timers take (2^32 ms), without spinning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    await px.addToxic('echo', { type: 'latency', name: 'huge', attributes: { latency: 4294967296 } });
    const c = await EchoClient.connect(px.echoPort);
    const answered = await Promise.race([
      c.rtt().then(() => true),
      new Promise((r) => setTimeout(() => r(false), 300)),
    ]);
    process.off('warning', onWarning);
    expect(answered).toBe(false);
    expect(warnings).toEqual([]);
    await px.removeToxic('echo', 'huge');
    c.close();
  });
});
