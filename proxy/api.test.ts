/**
 * The Toxiproxy 2.12 REST API, endpoint by endpoint, through the real toxiproxy-node-client and
 * plain fetch (for status codes and error bodies the client hides).
 */
import net from 'node:net';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EchoClient, echoServer, type Peer, portOf, rawHttp } from '../test/support/net.ts';
import { promtoolCheckMetrics } from '../test/support/promtool.ts';
import { startToxiproxy } from '../test/support/toxiproxy.ts';
import { FaultProxy } from './client.ts';
import { ToxiproxyServer } from './server.ts';

let server: ToxiproxyServer;
let client: Toxiproxy;
let url: string;
let echo: Peer;

beforeAll(async () => {
  ({ server, client, url } = await startToxiproxy());
  echo = await echoServer();
});
afterAll(async () => {
  await server.close();
  await echo.close();
});
afterEach(async () => {
  await server.collection.clear();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);
const json = (method: string, path: string, body: unknown) =>
  api(path, {
    method,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

async function errorOf(res: Response): Promise<{ status: number; body: { error: string; status: number } }> {
  return { status: res.status, body: (await res.json()) as { error: string; status: number } };
}

describe('proxies', () => {
  it('reports its version', async () => {
    expect(JSON.parse(await client.getVersion())).toEqual({ version: '2.12.0' });
  });

  it('creates a proxy on an ephemeral port and reports the real one', async () => {
    const proxy = await client.createProxy({
      name: 'p1',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);
    expect(proxy.enabled).toBe(true);
    const c = await EchoClient.connect(portOf(proxy.listen));
    await c.rtt();
    c.close();
  });

  it('answers 201 with the proxy and its toxics, and lists proxies by name', async () => {
    const res = await json('POST', '/proxies', { name: 'p2', upstream: `127.0.0.1:${echo.port}` });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ name: 'p2', upstream: `127.0.0.1:${echo.port}`, enabled: true, toxics: [] });
    const all = await client.getAll();
    expect(Object.keys(all)).toEqual(['p2']);
    const one = await (await api('/proxies/p2')).json();
    expect(one).toEqual(body);
  });

  it('creates a disabled proxy without listening', async () => {
    const proxy = await client.createProxy({
      name: 'off',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
      enabled: false,
    });
    expect(proxy.enabled).toBe(false);
  });

  it('rejects duplicates with 409 and missing fields with 400', async () => {
    await client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    await expect(
      client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }),
    ).rejects.toThrow(/409/);
    expect(
      await errorOf(await json('POST', '/proxies', { name: 'dup', upstream: `127.0.0.1:${echo.port}` })),
    ).toEqual({
      status: 409,
      body: { error: 'proxy already exists', status: 409 },
    });
    expect(await errorOf(await json('POST', '/proxies', { upstream: 'x:1' }))).toEqual({
      status: 400,
      body: { error: 'missing required field: name', status: 400 },
    });
    expect(await errorOf(await json('POST', '/proxies', { name: 'x' }))).toEqual({
      status: 400,
      body: { error: 'missing required field: upstream', status: 400 },
    });
  });

  it('rejects malformed JSON and wrong field types with 400 bad request body', async () => {
    const bad = await errorOf(await json('POST', '/proxies', '{"name": "x", '));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^bad request body: /);
    const empty = await errorOf(await api('/proxies', { method: 'POST' }));
    expect(empty.body).toEqual({ error: 'bad request body: EOF', status: 400 });
    const wrongType = await errorOf(await json('POST', '/proxies', { name: 5, upstream: 'a:1' }));
    expect(wrongType.body.error).toMatch(/name must be a string/);
    const badAddr = await errorOf(await json('POST', '/proxies', { name: 'a', upstream: 'nohostport' }));
    expect(badAddr.status).toBe(400);
    expect(badAddr.body.error).toMatch(/upstream address/);
  });

  it('answers 404 for an unknown proxy on every proxy route', async () => {
    for (const [method, path] of [
      ['GET', '/proxies/nope'],
      ['PATCH', '/proxies/nope'],
      ['DELETE', '/proxies/nope'],
      ['GET', '/proxies/nope/toxics'],
      ['POST', '/proxies/nope/toxics'],
    ] as const) {
      const res = await json(
        method,
        path,
        method === 'GET' || method === 'DELETE' ? undefined : { type: 'latency' },
      );
      expect(await errorOf(res)).toEqual({ status: 404, body: { error: 'proxy not found', status: 404 } });
    }
  });

  it('updates with PATCH and with the deprecated POST; disabling closes the listener and live connections', async () => {
    const proxy = await client.createProxy({
      name: 'upd',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const port = portOf(proxy.listen);
    const live = await EchoClient.connect(port);
    await live.rtt();
    const closed = new Promise<void>((r) => live.socket.once('close', () => r()));
    const res = await json('PATCH', '/proxies/upd', { enabled: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'upd', enabled: false });
    await closed; // the live connection was closed
    await expect(EchoClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const back = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream }); // POST alias
    expect(back.enabled).toBe(true);
    const again = await EchoClient.connect(port);
    await again.rtt();
    again.close();
  });

  it('deletes a proxy (204) and stops its listener', async () => {
    const proxy = await client.createProxy({
      name: 'del',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const res = await api('/proxies/del', { method: 'DELETE' });
    expect(res.status).toBe(204);
    await expect(EchoClient.connect(portOf(proxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reports a listen address in use clearly and keeps running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const res = await errorOf(
      await json('POST', '/proxies', { name: 'busy', listen: `127.0.0.1:${port}`, upstream: 'a:1' }),
    );
    expect(res).toEqual({
      status: 500,
      body: { error: `listen tcp 127.0.0.1:${port}: bind: address already in use`, status: 500 },
    });
    blocker.close();
    expect(Object.keys(await client.getAll())).toEqual([]);
    expect((await api('/version')).status).toBe(200);
  });

  it('closes the client when the upstream refuses, and keeps serving', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as net.AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const proxy = await client.createProxy({
      name: 'refused',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${deadPort}`,
    });
    const sock = net.connect(portOf(proxy.listen), '127.0.0.1');
    await new Promise<void>((r) => sock.on('close', () => r()).on('error', () => {}));
    const metrics = await (await api('/metrics')).text();
    expect(metrics).toContain('streamdrill_proxy_upstream_errors_total{proxy="refused"} 1');
  });

  it('refuses browsers with 403', async () => {
    const res = await api('/proxies', { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' } });
    expect(res.status).toBe(403);
  });
});

describe('populate and reset', () => {
  it('is idempotent: an unchanged proxy keeps its toxics, a changed one is replaced', async () => {
    const first = await client.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
      { name: 'b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
    ]);
    const a = first.a!;
    await a.addToxic({
      name: 'lat',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    } as never);
    // Same listen (as reported) and upstream: kept, with its toxic.
    const res = await json('POST', '/populate', [
      { name: 'a', listen: a.listen, upstream: `127.0.0.1:${echo.port}` },
      { name: 'b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port + 0}` },
    ]);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { proxies: { name: string; listen: string; toxics: unknown[] }[] };
    expect(body.proxies.map((p) => p.name)).toEqual(['a', 'b']);
    expect(body.proxies[0]!.listen).toBe(a.listen);
    expect(body.proxies[0]!.toxics).toHaveLength(1);
    // b asked for a new ephemeral port: replaced.
    expect(body.proxies[1]!.listen).not.toBe(first.b!.listen);
  });

  it('validates everything first: one bad entry changes nothing', async () => {
    const res = await json('POST', '/populate', [
      { name: 'ok', upstream: `127.0.0.1:${echo.port}` },
      { name: 'bad' },
    ]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'missing required field: upstream at proxy 2',
      status: 400,
    });
    expect(Object.keys(await client.getAll())).toEqual([]);
  });

  it('reset re-enables every proxy and removes every toxic (204)', async () => {
    const p = await client.createProxy({
      name: 'r',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await p.addToxic({
      name: 't',
      type: 'timeout',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    } as never);
    await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
    const res = await api('/reset', { method: 'POST' });
    expect(res.status).toBe(204);
    const after = await (await api('/proxies/r')).json();
    expect(after).toMatchObject({ enabled: true, toxics: [] });
  });
});

describe('toxics', () => {
  it('adds with defaults, shows, lists, updates (PATCH and POST) and deletes', async () => {
    const p = await client.createProxy({
      name: 'tx',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const res = await json('POST', '/proxies/tx/toxics', { type: 'latency', attributes: { latency: 100 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      attributes: { latency: 100, jitter: 0 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
    await p.addToxic({
      name: 'bw',
      type: 'bandwidth',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { rate: 100 },
    } as never);
    const list = (await (await api('/proxies/tx/toxics')).json()) as { name: string }[];
    expect(list.map((t) => t.name)).toEqual(['bw', 'latency_downstream']); // upstream first, like Toxiproxy
    const shown = await p.getToxic('bw');
    expect(shown.toJson()).toMatchObject({
      type: 'bandwidth',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { rate: 100 },
    });
    const patched = await json('PATCH', '/proxies/tx/toxics/bw', { attributes: { rate: 200 } });
    expect(await patched.json()).toMatchObject({ toxicity: 0.5, attributes: { rate: 200 } });
    const updated = await shown.update({ toxicity: 1 } as never); // POST alias through the client
    expect(updated.toxicity).toBe(1);
    expect(updated.attributes).toEqual({ rate: 200 });
    expect((await api('/proxies/tx/toxics/bw', { method: 'DELETE' })).status).toBe(204);
    expect(await errorOf(await api('/proxies/tx/toxics/bw'))).toEqual({
      status: 404,
      body: { error: 'toxic not found', status: 404 },
    });
    expect((await errorOf(await api('/proxies/tx/toxics/bw', { method: 'DELETE' }))).status).toBe(404);
    expect((await errorOf(await json('PATCH', '/proxies/tx/toxics/bw', {}))).status).toBe(404);
  });

  it('rejects bad toxics with Toxiproxy errors', async () => {
    await client.createProxy({ name: 'bad', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    const post = async (body: unknown) => errorOf(await json('POST', '/proxies/bad/toxics', body));
    expect(await post({ type: 'nonsense' })).toEqual({
      status: 400,
      body: { error: 'invalid toxic type', status: 400 },
    });
    expect(await post({ type: 'latency', stream: 'sideways' })).toEqual({
      status: 400,
      body: { error: 'stream was invalid, can be either upstream or downstream', status: 400 },
    });
    expect((await post({ type: 'latency', attributes: { latency: -5 } })).body.error).toBe(
      'bad request body: latency.latency must be a non-negative integer, got -5',
    );
    expect((await post({ type: 'bandwidth', attributes: { rate: 'fast' } })).body.error).toBe(
      'bad request body: bandwidth.rate must be a number, got the string "fast"',
    );
    expect((await post({ type: 'latency', toxicity: 1.5 })).body.error).toMatch(
      /toxicity must be between 0 and 1/,
    );
    expect((await post('not json')).body.error).toMatch(/^bad request body:/);
    await json('POST', '/proxies/bad/toxics', { type: 'latency', name: 'same' });
    expect(await post({ type: 'latency', name: 'same' })).toEqual({
      status: 409,
      body: { error: 'toxic already exists', status: 409 },
    });
    // The server is still fine after all that.
    expect((await api('/proxies/bad')).status).toBe(200);
  });
});

describe('metrics', () => {
  it('exposes bytes per proxy and direction, connections and active toxics in Prometheus format', async () => {
    const p = await client.createProxy({
      name: 'm',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await p.addToxic({
      name: 'lat',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 1, jitter: 0 },
    } as never);
    const c = await EchoClient.connect(portOf(p.listen));
    await c.rtt('12345');
    const text = await (await api('/metrics')).text();
    c.close();
    const labels = `listener="${p.listen}",proxy="m",upstream="127.0.0.1:${echo.port}"`;
    expect(text).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",${labels}} 5`);
    expect(text).toContain(`toxiproxy_proxy_sent_bytes_total{direction="downstream",${labels}} 5`);
    expect(text).toContain('streamdrill_proxy_connections_total{proxy="m"} 1');
    expect(text).toContain('streamdrill_proxy_active_connections{proxy="m"} 1');
    expect(text).toContain(
      'streamdrill_proxy_active_toxics{proxy="m",type="latency",stream="downstream",toxic="lat"} 1',
    );
    // Prometheus's own linter accepts the whole exposition.
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, problems: '' });
  });
});

describe('who may drive it (beyond Toxiproxy: it has no auth)', () => {
  it('on loopback refuses requests addressed to another host (DNS rebinding)', async () => {
    const res = await rawHttp(url, 'POST /reset HTTP/1.1', { host: 'attacker.example:8474' }, '');
    expect(res.status).toBe(403);
    expect((await rawHttp(url, 'GET /version HTTP/1.1')).status).toBe(200);
  });

  it('bound beyond loopback, refuses to start without a token and requires it when given one', async () => {
    expect(() => ToxiproxyServer.create({ host: '0.0.0.0' })).toThrow(/without a token/);
    const exposed = await ToxiproxyServer.start({
      host: '0.0.0.0',
      port: 0,
      token: 'sekret-token-0123456789',
    });
    try {
      const base = exposed.url.replace('0.0.0.0', '127.0.0.1');
      expect((await fetch(`${base}/proxies`)).status).toBe(401);
      const faults = await FaultProxy.connect({ url: base, token: 'sekret-token-0123456789' });
      await faults.ensureProxies([{ name: 'p', upstream: `127.0.0.1:${echo.port}` }]);
      expect((await faults.proxies()).map((p) => p.name)).toEqual(['p']);
      await faults.close();
      // Released on close: the proxy this client made is gone, nothing else was touched.
      expect(
        (await (
          await fetch(`${base}/proxies`, { headers: { authorization: 'Bearer sekret-token-0123456789' } })
        ).json()) as object,
      ).toEqual({});
    } finally {
      await exposed.close();
    }
  });
});
