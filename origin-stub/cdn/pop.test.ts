import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, RealClock, VirtualClock } from '../../core/clock.ts';
import { FaultRegistry } from '../../faults/registry.ts';
import { FAKE_PLAYLIST, type FakeOrigin, httpGet, startFakeOrigin } from '../../test/support/fake-origin.ts';
import { type Pop, type PopOptions, startPop } from './pop.ts';

const SEG = '/live/news/clear/360p/12.m4s';
const MEDIA = '/live/news/clear/360p/media.m3u8';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function origin(): Promise<FakeOrigin> {
  const o = await startFakeOrigin();
  cleanups.push(() => o.close());
  return o;
}

type Extra = Partial<PopOptions> & { clock: Clock; parent: () => string };
async function pop(extra: Extra): Promise<Pop & { registry: FaultRegistry }> {
  const faults = extra.faults ?? new FaultRegistry(extra.clock, 'pop-test');
  const p = await startPop({ cdn: 'cdn-a', name: 'fra', region: 'emea', tier: 'edge', faults, ...extra });
  cleanups.push(() => p.close());
  return Object.assign(p, { registry: faults });
}

const times = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('POP cache', () => {
  it('hits within the TTL, misses after it (manifests ~1 s, segments a day)', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    const seg1 = await httpGet(edge.url() + SEG);
    const man1 = await httpGet(edge.url() + MEDIA);
    expect([seg1.status, seg1.headers['x-cache'], seg1.headers['x-served-by']]).toEqual([
      200,
      'MISS',
      'cdn-a/fra',
    ]);
    expect(man1.text).toBe(FAKE_PLAYLIST);
    clock.advanceBy(900);
    expect((await httpGet(edge.url() + MEDIA)).headers['x-cache']).toBe('HIT');
    clock.advanceBy(200); // manifest is 1.1 s old: expired
    const man3 = await httpGet(edge.url() + MEDIA);
    const seg2 = await httpGet(edge.url() + SEG);
    expect([man3.headers['x-cache'], seg2.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(seg2.body.equals(seg1.body)).toBe(true);
    expect(o.count(MEDIA)).toBe(2);
    expect(o.count(SEG)).toBe(1);
    clock.advanceBy(86_400_000);
    expect((await httpGet(edge.url() + SEG)).headers['x-cache']).toBe('MISS');
    const s = edge.stats();
    expect(s).toMatchObject({ requests: 6, hits: 2, misses: 4, parentRequests: 4, coalesced: 0 });
    expect(s.byKind.manifest).toMatchObject({ requests: 3, hits: 1, misses: 2 });
    expect(s.byKind.segment).toMatchObject({ requests: 3, hits: 1, misses: 2 });
    expect(s.responses['2xx']).toBe(6);
    expect(s.cacheObjects).toBe(2);
    expect(s.bytesSent).toBe(3 * 2048 + 3 * FAKE_PLAYLIST.length);
    edge.purge();
    expect(edge.stats()).toMatchObject({ cacheObjects: 0, cacheBytes: 0 });
  });

  it('passes 404 and 5xx through without caching them', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    o.respond = (req, res) => {
      if (!req.url?.includes('/503/')) return false;
      res.writeHead(503, { 'cache-control': 'public, max-age=60' }).end('busy');
      return true;
    };
    const edge = await pop({ clock, parent: () => o.url });
    for (const _ of times(2)) {
      expect((await httpGet(`${edge.url()}/live/news/clear/360p/nothing.txt`)).status).toBe(404);
      expect((await httpGet(`${edge.url()}/live/news/clear/503/1.m4s`)).status).toBe(503);
    }
    expect(o.seen.length).toBe(4);
    expect(edge.stats()).toMatchObject({ hits: 0, misses: 4, cacheObjects: 0, '5xx': 2 });
    expect(edge.stats().responses).toEqual({ '2xx': 0, '3xx': 0, '4xx': 2, '5xx': 2 });
  });

  it('two edges, one shield, one origin: pulls counted at the shield, hits at the edges', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const shield = await pop({ clock, name: 'shield-emea', tier: 'shield', parent: () => o.url });
    const fra = await pop({ clock, name: 'fra', isps: ['telco'], parent: () => shield.url() });
    const ams = await pop({ clock, name: 'ams', parent: () => shield.url() });
    for (const edge of [fra, ams, fra, ams]) {
      expect((await httpGet(edge.url() + SEG)).status).toBe(200);
    }
    expect(o.count(SEG)).toBe(1);
    expect(shield.stats()).toMatchObject({ requests: 2, misses: 1, hits: 1, parentRequests: 1 });
    for (const edge of [fra, ams]) expect(edge.stats()).toMatchObject({ requests: 2, misses: 1, hits: 1 });
    expect(ports(shield)).toEqual(['']);
    // The edge forwards region, ISP and device class; the shield forwards what it received.
    expect(o.seen[0]!.headers).toMatchObject({ 'x-sd-region': 'emea', 'x-sd-isp': 'telco' });
    await httpGet(`${fra.url()}/d/stb${SEG.replace('12', '13')}`);
    expect(o.seen[1]!.headers).toMatchObject({ 'x-sd-device-class': 'stb', 'x-sd-isp': 'telco' });
  });

  it('coalesces concurrent misses into one parent request', async () => {
    const clock = new RealClock();
    const o = await origin();
    o.respond = (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'cache-control': 'public, max-age=60' }).end('slow'), 100);
      return true;
    };
    const edge = await pop({ clock, parent: () => o.url });
    const all = await Promise.all(times(10).map(() => httpGet(edge.url() + SEG)));
    expect(all.map((r) => r.text)).toEqual(times(10).map(() => 'slow'));
    expect(o.seen.length).toBe(1);
    expect(edge.stats()).toMatchObject({ requests: 10, misses: 1, coalesced: 9, hits: 0, parentRequests: 1 });
    expect(edge.stats().parentLatencyMs.count).toBe(1);
    expect(edge.stats().parentLatencyMs.max).toBeGreaterThanOrEqual(90);
  });

  it('honours Vary: the device class from the /d/ prefix is part of the key', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    o.respond = (req, res) => {
      const dc = String(req.headers['x-sd-device-class'] ?? 'none');
      res.writeHead(200, { 'cache-control': 'public, max-age=60', vary: 'X-SD-Device-Class' }).end(dc);
      return true;
    };
    const edge = await pop({ clock, parent: () => o.url });
    const get = (dc: string) => httpGet(`${edge.url()}/d/${dc}${SEG}`);
    const tv = await get('tv');
    const phone = await get('phone');
    const tv2 = await get('tv');
    expect([tv.text, tv.headers['x-cache']]).toEqual(['tv', 'MISS']);
    expect([phone.text, phone.headers['x-cache']]).toEqual(['phone', 'MISS']);
    expect([tv2.text, tv2.headers['x-cache']]).toEqual(['tv', 'HIT']);
    expect(o.seen.map((s) => s.url)).toEqual([SEG, SEG]); // prefix stripped
    expect(edge.stats().cacheObjects).toBe(2);
  });

  it('does not store a response whose Cache-Control it cannot read', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    o.respond = (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=,, public;;' }).end('x');
      return true;
    };
    const edge = await pop({ clock, parent: () => o.url });
    for (const _ of times(3)) expect((await httpGet(edge.url() + SEG)).headers['x-cache']).toBe('MISS');
    expect(o.seen.length).toBe(3);
    expect(edge.stats().cacheObjects).toBe(0);
  });

  it('answers HEAD from the GET object and CORS preflights itself', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    await httpGet(edge.url() + SEG);
    const head = await httpGet(edge.url() + SEG, {}, 'HEAD');
    expect([head.status, head.headers['x-cache'], head.headers['content-length'], head.body.length]).toEqual([
      200,
      'HIT',
      '2048',
      0,
    ]);
    const pre = await httpGet(
      edge.url() + SEG,
      { 'access-control-request-headers': 'cmcd-request' },
      'OPTIONS',
    );
    expect([pre.status, pre.headers['access-control-allow-headers']]).toEqual([204, 'cmcd-request']);
    expect((await httpGet(edge.url() + SEG, {}, 'POST')).status).toBe(405);
    expect(o.seen.length).toBe(1);
  });
});

function ports(p: Pop): string[] {
  return [...p.ports.keys()];
}

describe('POP faults', () => {
  it('answers an injected status for a share of requests, without touching the cache', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    edge.registry.add({
      type: 'http-status',
      status: 503,
      share: 0.5,
      match: { component: 'edge', kind: 'segment' },
    });
    const res = await Promise.all(times(200).map(() => httpGet(edge.url() + SEG)));
    const failed = res.filter((r) => r.status === 503);
    expect(failed.length).toBeGreaterThan(70);
    expect(failed.length).toBeLessThan(130);
    expect(failed[0]!.headers['cache-control']).toBe('no-store');
    expect(failed[0]!.headers['access-control-allow-origin']).toBe('*');
    expect(res.filter((r) => r.status === 200).length).toBe(200 - failed.length);
    const s = edge.stats();
    expect(s.faultHits).toBe(failed.length);
    expect(s['5xx']).toBe(failed.length);
    expect(s.hits + s.misses + s.coalesced).toBe(200 - failed.length);
    expect(o.seen.length).toBe(1);
    // A manifest does not match the fault.
    expect((await httpGet(edge.url() + MEDIA)).status).toBe(200);
  });

  it('delays on the clock', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    edge.registry.add({ type: 'http-delay', delayMs: 5000, match: { pop: 'fra' } });
    let done = false;
    const pending = httpGet(edge.url() + SEG).then((r) => {
      done = true;
      return r;
    });
    await until(() => clock.nextDue() !== undefined);
    clock.advanceBy(4999);
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    clock.advanceBy(1);
    expect((await pending).status).toBe(200);
    expect(edge.stats().faultHits).toBe(1);
  });

  it('hangs until the POP closes, and close() is quick', async () => {
    const clock = new RealClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    edge.registry.add({ type: 'http-hang' });
    const hung = times(3).map(() =>
      httpGet(edge.url() + SEG).then(
        () => 'answered',
        () => 'released',
      ),
    );
    await until(() => edge.stats().requests === 3);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await edge.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await Promise.all(hung)).toEqual(['released', 'released', 'released']);
    expect(o.seen.length).toBe(0);
    expect(edge.stats().responses).toEqual({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
  });

  it('forceMiss sends every request to the parent and counts misses', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const shield = await pop({ clock, name: 'shield-emea', tier: 'shield', parent: () => o.url });
    const edge = await pop({ clock, parent: () => shield.url() });
    const run = async () => {
      const before = { edge: edge.stats(), shield: shield.stats() };
      for (const _ of times(4)) await httpGet(edge.url() + SEG.replace('12', String(before.edge.requests)));
      for (const _ of times(4)) await httpGet(edge.url() + SEG);
      const after = { edge: edge.stats(), shield: shield.stats() };
      return {
        misses: after.edge.misses - before.edge.misses,
        pulls: after.edge.parentRequests - before.edge.parentRequests,
      };
    };
    const clean = await run();
    edge.registry.add({ type: 'cache-force-miss', match: { component: 'edge' } });
    const forced = await run();
    expect(clean).toEqual({ misses: 2, pulls: 2 });
    expect(forced).toEqual({ misses: 8, pulls: 8 });
    expect(forced.pulls / clean.pulls).toBe(4);
    expect(shield.stats().hits).toBeGreaterThan(0); // the shield still caches
  });

  it('a malformed Cache-Control from the shield keeps the edge from storing', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const faults = new FaultRegistry(clock, 'cc');
    const shield = await pop({ clock, faults, name: 'shield-emea', tier: 'shield', parent: () => o.url });
    const edge = await pop({ clock, faults, parent: () => shield.url() });
    faults.add({ type: 'cache-control-malformed', match: { component: 'shield' } });
    const res = await Promise.all([0, 1, 2].map(async () => httpGet(edge.url() + SEG)));
    for (const _ of times(2)) {
      const r = await httpGet(edge.url() + SEG);
      expect([r.status, r.headers['cache-control'], r.headers['x-cache']]).toEqual([
        200,
        'max-age=,, public;;',
        'MISS',
      ]);
    }
    expect(res.every((r) => r.status === 200)).toBe(true);
    expect(edge.stats().cacheObjects).toBe(0);
    expect(shield.stats().cacheObjects).toBe(1);
    expect(o.seen.length).toBe(1);
  });

  it('serves a corrupted manifest, and keeps the cached copy intact', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    const fault = edge.registry.add({ type: 'manifest-malformed' });
    const bad = await httpGet(edge.url() + MEDIA);
    const seg = await httpGet(edge.url() + SEG);
    expect(bad.status).toBe(200);
    expect(bad.text.startsWith('#EXTM3U')).toBe(false);
    expect(bad.body.length).toBeLessThan(FAKE_PLAYLIST.length);
    expect(Number(bad.headers['content-length'])).toBe(bad.body.length);
    expect(seg.body.length).toBe(2048);
    edge.registry.remove(fault.id);
    const good = await httpGet(edge.url() + MEDIA);
    expect([good.text, good.headers['x-cache']]).toEqual([FAKE_PLAYLIST, 'HIT']);
    const mpd = await (async () => {
      edge.registry.add({ type: 'manifest-malformed' });
      return httpGet(`${edge.url()}/live/news/clear/manifest.mpd`);
    })();
    expect(mpd.text).not.toContain('</MPD>');
  });

  it('knows the ISP from the port it was reached on', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, isps: ['telco', 'cable'], parent: () => o.url });
    expect(ports(edge)).toEqual(['telco', 'cable']);
    expect(() => edge.url('nope')).toThrow(/no port for ISP/);
    edge.registry.add({ type: 'http-status', status: 502, match: { isp: 'cable' } });
    expect((await httpGet(`${edge.url('telco')}/d/tv${SEG}`)).status).toBe(200);
    expect((await httpGet(edge.url('cable') + SEG)).status).toBe(502);
    expect(o.seen[0]!.headers).toMatchObject({
      'x-sd-isp': 'telco',
      'x-sd-region': 'emea',
      'x-sd-device-class': 'tv',
    });
  });
});

describe('POP CMCD and parent errors', () => {
  it('counts CMCD sessions and starvation from the query and the headers; CMCD is not in the key', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    const q = (v: string) => `?CMCD=${encodeURIComponent(v)}`;
    const a = await httpGet(`${edge.url()}${SEG}${q('bl=2100,br=800,sid="s1",ot=v')}`);
    const b = await httpGet(`${edge.url()}${SEG}${q('bs,bl=0,sid="s1",ot=v')}`);
    const c = await httpGet(edge.url() + SEG, {
      'CMCD-Status': 'bs',
      'CMCD-Session': 'sid="s2"',
      'CMCD-Request': 'bl=300',
    });
    await httpGet(`${edge.url()}${SEG}${q('bad"=,,')}`);
    expect([a.headers['x-cache'], b.headers['x-cache'], c.headers['x-cache']]).toEqual([
      'MISS',
      'HIT',
      'HIT',
    ]);
    expect(edge.stats().cmcd).toEqual({ requests: 3, starvation: 2, activeSessions: 2, invalid: 1 });
    expect(edge.cmcdSessions().map((s) => [s.sid, s.bl])).toEqual([
      ['s1', 0],
      ['s2', 300],
    ]);
    clock.advanceBy(31_000);
    expect(edge.stats().cmcd.activeSessions).toBe(0);
  });

  it('answers 502 when the parent is down and 504 when it is too slow', async () => {
    const clock = new RealClock();
    const o = await origin();
    const downPort = await freePort();
    let parent = `http://127.0.0.1:${downPort}`;
    const edge = await pop({ clock, parent: () => parent, parentTimeoutMs: 200 });
    const down = await httpGet(edge.url() + SEG);
    expect([down.status, down.headers['cache-control']]).toEqual([502, 'no-store']);
    o.respond = (req, res) => {
      if (req.url?.includes('/reset/')) res.socket?.destroy();
      else if (req.url?.includes('/cut/')) {
        res.writeHead(200, { 'content-length': '1000', 'cache-control': 'max-age=60' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
      }
      return true; // anything else: never answered
    };
    parent = o.url; // a lever switches the parent, read per request
    expect((await httpGet(`${edge.url()}/live/news/clear/reset/1.m4s`)).status).toBe(502);
    expect((await httpGet(`${edge.url()}/live/news/clear/cut/1.m4s`)).status).toBe(502);
    const t0 = Date.now();
    const slow = await httpGet(edge.url() + SEG);
    expect(slow.status).toBe(504);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const s = edge.stats();
    expect(s.parentErrors).toEqual({ '502': 3, '504': 1 });
    expect(s['5xx']).toBe(4);
    expect(s.parentRequests).toBe(4);
    expect(s.cacheObjects).toBe(0);
  });

  it('answers 400 to a bad request target, without a stack trace', async () => {
    const clock = new VirtualClock();
    const o = await origin();
    const edge = await pop({ clock, parent: () => o.url });
    const r = await httpGet(`${edge.url()}/d/%3Cx%3E/live/a/b/c.m4s`);
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/at .*\.ts/);
  });

  it('aborts parent pulls in flight on close', async () => {
    const clock = new RealClock();
    const o = await origin();
    o.respond = () => true; // never answers
    const edge = await pop({ clock, parent: () => o.url });
    const pending = httpGet(edge.url() + SEG).catch(() => undefined);
    await until(() => o.seen.length === 1);
    const t0 = Date.now();
    await edge.close();
    await pending;
    expect(Date.now() - t0).toBeLessThan(500);
  });
});

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
