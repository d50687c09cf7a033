import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proxied, startProxied } from '../../test/support/proxied.ts';
import { probe } from '../probe.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied({ httpBytes: 1_000_000 });
});
afterAll(() => px.close());

describe('bandwidth toxic', () => {
  it('delivers within ±15% of the set rate (1 MB at 1000 KB/s ≈ 1 s)', async () => {
    await px.addToxic('http', { type: 'bandwidth', name: 'bw', attributes: { rate: 1000 } });
    const r = await probe(px.httpPort, '/', { timeoutMs: 5000 });
    await px.removeToxic('http', 'bw');
    expect(r.bytes).toBeGreaterThan(1_000_000);
    const rateKBps = r.bytes / r.totalMs; // bytes per ms == KB/s
    expect(rateKBps).toBeGreaterThan(1000 * 0.85);
    expect(rateKBps).toBeLessThan(1000 * 1.15);
  });

  it('limits upstream traffic when set on the upstream stream', async () => {
    await px.addToxic('echo', {
      type: 'bandwidth',
      name: 'up',
      stream: 'upstream',
      attributes: { rate: 100 },
    });
    const { EchoClient } = await import('../../test/support/net.ts');
    const c = await EchoClient.connect(px.echoPort);
    const rtt = await c.rtt('x'.repeat(20_000)); // 20 KB at 100 KB/s: the first piece leaves after ~100 ms
    c.close();
    await px.removeToxic('echo', 'up');
    expect(rtt).toBeGreaterThanOrEqual(90);
  });
});
