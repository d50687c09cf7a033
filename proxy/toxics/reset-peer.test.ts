import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proxied, startProxied } from '../../test/support/proxied.ts';
import { probe } from '../probe.ts';

let px: Proxied;
beforeAll(async () => {
  px = await startProxied();
});
afterAll(() => px.close());

describe('reset_peer toxic', () => {
  it('resets the connection: the client sees ECONNRESET and no data', async () => {
    await px.addToxic('http', { type: 'reset_peer', name: 'rst', attributes: { timeout: 0 } });
    const r = await probe(px.httpPort);
    await px.removeToxic('http', 'rst');
    expect(r.ending).toBe('ECONNRESET');
    expect(r.bytes).toBe(0);
  });

  it('waits the timeout before resetting', async () => {
    await px.addToxic('http', { type: 'reset_peer', name: 'late', attributes: { timeout: 300 } });
    const r = await probe(px.httpPort);
    await px.removeToxic('http', 'late');
    expect(r.ending).toBe('ECONNRESET');
    expect(r.totalMs).toBeGreaterThanOrEqual(290);
  });

  it('leaves connections alone once removed', async () => {
    const r = await probe(px.httpPort);
    expect(r.ending).toBe('end');
    expect(r.bytes).toBeGreaterThan(100_000);
  });
});
