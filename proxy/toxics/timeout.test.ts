import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoClient } from '../../test/support/net.ts';
import { type Proxied, startProxied } from '../../test/support/proxied.ts';
import { probe } from '../probe.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied();
});
afterAll(() => px.close());

describe('timeout toxic', () => {
  it('holds the data, then closes the connection after the timeout', async () => {
    await px.addToxic('http', {
      type: 'timeout',
      name: 'to',
      stream: 'upstream',
      attributes: { timeout: 400 },
    });
    const r = await probe(px.httpPort);
    await px.removeToxic('http', 'to');
    expect(r.bytes).toBe(0);
    expect(r.ending).toBe('end');
    expect(r.totalMs).toBeGreaterThanOrEqual(390);
    expect(r.totalMs).toBeLessThan(1000);
  });

  it('with timeout 0 holds the connection open until removed', async () => {
    await px.addToxic('echo', { type: 'timeout', name: 'hold', attributes: { timeout: 0 } });
    const c = await EchoClient.connect(px.echoPort);
    await expect(c.rtt('held', 600)).rejects.toThrow(/no echo/);
    expect(c.socket.destroyed).toBe(false);
    await px.removeToxic('echo', 'hold');
    expect(await c.rtt()).toBeLessThan(50); // flowing again on the same connection
    c.close();
  });

  it('ends the link at once when the upstream closes', async () => {
    // An upstream that answers then closes: the held link must end with it, not hang.
    const closer = net.createServer((s) => s.end('bye'));
    await new Promise<void>((r) => closer.listen(0, '127.0.0.1', r));
    const port = (closer.address() as net.AddressInfo).port;
    const p = await px.client.createProxy({
      name: 'closer',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${port}`,
    });
    await p.addToxic({
      name: 'hold',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    } as never);
    const r = await probe(Number(p.listen.split(':').pop()), '/', { timeoutMs: 3000 });
    closer.close();
    expect(r.ending).toBe('end');
    expect(r.bytes).toBe(0);
    expect(r.totalMs).toBeLessThan(500);
  });
});
