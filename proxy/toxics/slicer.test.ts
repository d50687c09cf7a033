import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proxied, startProxied } from '../../test/support/proxied.ts';
import { probe } from '../probe.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied({ httpBytes: 50_000 });
});
afterAll(() => px.close());

describe('slicer toxic', () => {
  it('delivers the data in many small chunks, all of it', async () => {
    const plain = await probe(px.httpPort);
    await px.addToxic('http', {
      type: 'slicer',
      name: 's',
      attributes: { average_size: 500, size_variation: 100, delay: 1000 },
    });
    const sliced = await probe(px.httpPort);
    await px.removeToxic('http', 's');
    expect(sliced.bytes).toBe(plain.bytes);
    expect(plain.chunks).toBeLessThan(10);
    expect(sliced.chunks).toBeGreaterThan(40); // ~100 slices, some coalesced by the kernel
    expect(sliced.bytes / sliced.chunks).toBeLessThan(1500);
  });

  it('rejects a size variation not smaller than the average size', async () => {
    const res = await fetch(`${px.server.url}/proxies/http/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'slicer', attributes: { average_size: 10, size_variation: 10 } }),
    });
    expect(res.status).toBe(400);
  });
});
