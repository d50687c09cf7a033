import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proxied, startProxied } from '../../test/support/proxied.ts';
import { probe } from '../probe.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied();
});
afterAll(() => px.close());

describe('slow_close toxic', () => {
  it('delivers the data at once but delays the close', async () => {
    await px.addToxic('http', { type: 'slow_close', name: 'sc', attributes: { delay: 400 } });
    const r = await probe(px.httpPort);
    await px.removeToxic('http', 'sc');
    expect(r.firstByteMs).toBeLessThan(100);
    expect(r.totalMs).toBeGreaterThanOrEqual(390);
    expect(r.ending).toBe('end');
  });
});
