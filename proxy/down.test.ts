/** "down": a disabled proxy refuses connections, and comes back when enabled. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proxied, startProxied } from '../test/support/proxied.ts';
import { FaultProxy } from './client.ts';
import { probe } from './probe.ts';

let px: Proxied;
let faults: FaultProxy;
beforeAll(async () => {
  px = await startProxied();
  // The proxies here are the test's own (no namespace): this client drives them as a shared Toxiproxy's.
  faults = await FaultProxy.connect({ url: px.server.url, namespace: '' });
});
afterAll(() => px.close());

describe('proxy down', () => {
  it('refuses connections while disabled and serves again when enabled', async () => {
    await faults.setEnabled('http', false);
    expect((await probe(px.httpPort)).ending).toBe('ECONNREFUSED');
    await faults.setEnabled('http', true);
    expect((await probe(px.httpPort)).ending).toBe('end');
  });

  it('FaultProxy reports API failures clearly', async () => {
    await expect(faults.addToxic('nope', { type: 'latency' })).rejects.toThrow(
      /reading proxy nope: not found \(HTTP 404\)/,
    );
    await faults.addToxic('http', { type: 'latency', name: 'x' });
    await expect(faults.addToxic('http', { type: 'latency', name: 'x' })).rejects.toThrow(
      /already exists \(HTTP 409\)/,
    );
    await faults.release();
    expect((await faults.proxy('http')).toxics).toEqual([]);
  });
});
