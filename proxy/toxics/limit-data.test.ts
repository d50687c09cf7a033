import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoClient } from '../../test/support/net.ts';
import { type Proxied, startProxied } from '../../test/support/proxied.ts';
import { probe } from '../probe.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied();
});
afterAll(() => px.close());

describe('limit_data toxic', () => {
  it('closes after exactly N bytes downstream', async () => {
    await px.addToxic('http', { type: 'limit_data', name: 'ld', attributes: { bytes: 12_345 } });
    const r = await probe(px.httpPort);
    await px.removeToxic('http', 'ld');
    expect(r.bytes).toBe(12_345);
    expect(r.ending).toBe('end');
  });

  it('limits what reaches the server when upstream', async () => {
    await px.addToxic('echo', {
      type: 'limit_data',
      name: 'ldu',
      stream: 'upstream',
      attributes: { bytes: 1000 },
    });
    const before = px.echoReceived();
    const c = await EchoClient.connect(px.echoPort);
    const closed = new Promise<void>((r) => c.socket.once('close', () => r()));
    c.socket.write(Buffer.alloc(5000, 1));
    await closed;
    await px.removeToxic('echo', 'ldu');
    expect(px.echoReceived() - before).toBe(1000);
  });
});
