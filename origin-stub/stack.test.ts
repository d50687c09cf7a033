/**
 * The assembled stack over real loopback HTTP (no browser): every HTTP fault and every lever has
 * its observable effect and is fully removed; steering answers per region; the control API rejects
 * bad input clearly; closing leaves no port open.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../proxy/client.ts';
import { rawHttp } from '../test/support/net.ts';
import { promtoolCheckMetrics } from '../test/support/promtool.ts';
import { startToxiproxy } from '../test/support/toxiproxy.ts';
import { Stack } from './stack.ts';
import { topologyLinks } from './targets.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start({ seed: 'stack-test', manifestMonitorMs: 0 });
});
afterAll(async () => {
  await stack?.close();
});

const edge = (cdn: string, pop: string, isp: string) => stack.linkUrl(`viewer.${cdn}.${pop}.${isp}`);
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${stack.urls.control}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** The newest segment number of a live playlist fetched through a POP. */
async function newestSegment(
  base: string,
  channel = 'news',
  rendition = '216p',
): Promise<{ n: number; text: string }> {
  const text = await (await fetch(`${base}/live/${channel}/clear/${rendition}/media.m3u8`)).text();
  const segs = text.split('\n').filter((l) => l.endsWith('.m4s'));
  return { n: Number(segs.at(-1)!.replace('.m4s', '')), text };
}

describe('delivery', () => {
  it('serves a segment through edge → shield → origin and caches it at both tiers', async () => {
    const base = edge('cdn-a', 'ams', 'eu-telco');
    const { n } = await newestSegment(base);
    const url = `${base}/live/news/clear/216p/${n}.m4s`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    await first.arrayBuffer();
    const second = await fetch(url);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('x-served-by')).toBe('cdn-a/ams');
    await second.arrayBuffer();
    // Another EMEA edge of the same CDN misses locally but hits the shield: no new origin pull.
    const pulls = stack.monitors.origin.snapshot().byKind.segment.requests;
    const other = await fetch(`${edge('cdn-a', 'par', 'eu-telco')}/live/news/clear/216p/${n}.m4s`);
    await other.arrayBuffer();
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(stack.monitors.origin.snapshot().byKind.segment.requests).toBe(pulls);
  });

  it('answers steering per region, and the steer lever changes only that region', async () => {
    const steer = (region: string) =>
      fetch(`${stack.linkUrl('viewer.steering')}/steer/hls?region=${region}`).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      );
    expect((await steer('emea'))['PATHWAY-PRIORITY']).toEqual(['cdn-a', 'cdn-b']);
    const action = await api('POST', '/levers/steer', { region: 'emea', cdn: 'cdn-b' });
    expect(action.status).toBe(201);
    expect((await steer('emea'))['PATHWAY-PRIORITY']).toEqual(['cdn-b', 'cdn-a']);
    expect((await steer('na'))['PATHWAY-PRIORITY']).toEqual(['cdn-a', 'cdn-b']);
    const dash = await fetch(`${stack.linkUrl('viewer.steering')}/steer/dash?region=emea`).then((r) =>
      r.json(),
    );
    expect(dash['SERVICE-LOCATION-PRIORITY']).toEqual(['cdn-b', 'cdn-a']);
    expect(dash['RELOAD-URI']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/steer\/dash\?region=emea$/);
    // The multivariant playlist now names cdn-b as the default pathway, and the lever is undoable.
    const q = 'channel=news&variant=clear&region=emea&isp=eu-telco&device=desktop&sid=s1';
    const master = await (await fetch(`${stack.linkUrl('viewer.entry')}/play/master.m3u8?${q}`)).text();
    expect(master).toContain('PATHWAY-ID="cdn-b"');
    const undo = (action.body as { undo: { lever: string; args: Record<string, string> } }).undo;
    await api('POST', `/levers/${undo.lever}`, undo.args);
    expect((await steer('emea'))['PATHWAY-PRIORITY']).toEqual(['cdn-a', 'cdn-b']);
  });
});

describe('HTTP faults', () => {
  it('segment 503s for a share of requests at one POP only, then removed', async () => {
    const added = await api('POST', '/faults/http', {
      type: 'http-status',
      status: 503,
      share: 1,
      match: { cdn: 'cdn-a', pop: 'fra', kind: 'segment' },
    });
    expect(added.status).toBe(201);
    const fra = edge('cdn-a', 'fra', 'eu-cable');
    const { n } = await newestSegment(fra);
    expect((await fetch(`${fra}/live/news/clear/216p/${n}.m4s`)).status).toBe(503);
    expect((await fetch(`${fra}/live/news/clear/216p/media.m3u8`)).status).toBe(200); // manifests untouched
    expect((await fetch(`${edge('cdn-a', 'ams', 'eu-cable')}/live/news/clear/216p/${n}.m4s`)).status).toBe(
      200,
    );
    expect((await api('DELETE', `/faults/http/${added.body.id}`)).status).toBe(200);
    expect((await fetch(`${fra}/live/news/clear/216p/${n}.m4s`)).status).toBe(200);
  });

  it('licence errors and delays hit one DRM label only', async () => {
    const kid = stack.entry.channels()[0]!.key.kid;
    const body = JSON.stringify({ kids: [Buffer.from(kid).toString('base64url')], type: 'temporary' });
    const licence = (drm: string) =>
      fetch(`${stack.linkUrl('viewer.licence')}/licence?drm=${drm}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    const err = await api('POST', '/faults/http', {
      type: 'http-status',
      status: 503,
      match: { component: 'licence', drm: 'playready' },
    });
    expect((await licence('playready')).status).toBe(503);
    expect((await licence('widevine')).status).toBe(200);
    await api('DELETE', `/faults/http/${err.body.id}`);
    const slow = await api('POST', '/faults/http', {
      type: 'http-delay',
      delayMs: 400,
      match: { component: 'licence', drm: 'fairplay' },
    });
    const t0 = performance.now();
    expect((await licence('fairplay')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    await api('DELETE', `/faults/http/${slow.body.id}`);
    const stats = stack.licenceStats();
    expect(stats.playready?.errors).toBeGreaterThanOrEqual(1);
    expect(stats.widevine?.issued).toBeGreaterThanOrEqual(1);
  });

  it('a hanging licence server holds requests until the fault is removed', async () => {
    const hang = await api('POST', '/faults/http', { type: 'http-hang', match: { component: 'licence' } });
    const kid = stack.entry.channels()[0]!.key.kid;
    const body = JSON.stringify({ kids: [Buffer.from(kid).toString('base64url')], type: 'temporary' });
    const pending = fetch(`${stack.linkUrl('viewer.licence')}/licence?drm=widevine`, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(600),
    });
    await expect(pending).rejects.toThrow();
    await api('DELETE', `/faults/http/${hang.body.id}`);
    const ok = await fetch(`${stack.linkUrl('viewer.licence')}/licence?drm=widevine`, {
      method: 'POST',
      body,
    });
    expect(ok.status).toBe(200);
  });

  it('malformed manifests fail to parse at the targeted CDN only', async () => {
    const f = await api('POST', '/faults/http', {
      type: 'manifest-malformed',
      match: { cdn: 'cdn-b', component: 'edge' },
    });
    const bad = await (
      await fetch(`${edge('cdn-b', 'ams', 'eu-telco')}/live/sport/clear/360p/media.m3u8`)
    ).text();
    expect(bad.startsWith('#EXTM3U\n')).toBe(false);
    const good = await (
      await fetch(`${edge('cdn-a', 'ams', 'eu-telco')}/live/sport/clear/360p/media.m3u8`)
    ).text();
    expect(good.startsWith('#EXTM3U\n')).toBe(true);
    await api('DELETE', `/faults/http/${f.body.id}`);
    const again = await (
      await fetch(`${edge('cdn-b', 'ams', 'eu-telco')}/live/sport/clear/360p/media.m3u8?fresh=1`)
    ).text();
    expect(again.startsWith('#EXTM3U\n')).toBe(true);
  });

  it('forced cache misses at a POP send every request to the parent (shield misconfiguration)', async () => {
    const par = edge('cdn-a', 'par', 'eu-cable');
    const { n } = await newestSegment(par);
    const url = `${par}/live/news/clear/360p/${n}.m4s`;
    await (await fetch(url)).arrayBuffer();
    const pop = stack.pops.find((p) => p.cdn === 'cdn-a' && p.name === 'par')!;
    const before = pop.stats();
    for (let i = 0; i < 4; i++) await (await fetch(url)).arrayBuffer();
    expect(pop.stats().hits - before.hits).toBe(4);
    const f = await api('POST', '/faults/http', {
      type: 'cache-force-miss',
      match: { cdn: 'cdn-a', pop: 'par' },
    });
    const mid = pop.stats();
    for (let i = 0; i < 4; i++) {
      const r = await fetch(url);
      expect(r.headers.get('x-cache')).toBe('MISS');
      await r.arrayBuffer();
    }
    expect(pop.stats().misses - mid.misses).toBe(4);
    expect(pop.stats().parentRequests - mid.parentRequests).toBe(4);
    await api('DELETE', `/faults/http/${f.body.id}`);
    const after = await fetch(url);
    expect(after.headers.get('x-cache')).toBe('HIT');
    await after.arrayBuffer();
  });

  it('malformed Cache-Control reaches viewers of the targeted POP', async () => {
    const f = await api('POST', '/faults/http', {
      type: 'cache-control-malformed',
      match: { cdn: 'cdn-b', pop: 'iad' },
    });
    const r = await fetch(`${edge('cdn-b', 'iad', 'na-telco')}/live/news/clear/216p/media.m3u8`);
    expect(r.headers.get('cache-control')).toBe('max-age=,, public;;');
    await r.text();
    await api('DELETE', `/faults/http/${f.body.id}`);
    const ok = await fetch(`${edge('cdn-b', 'iad', 'na-telco')}/live/news/clear/216p/media.m3u8`);
    expect(ok.headers.get('cache-control')).toBe('public, max-age=1');
  });

  it('a wrong Content-Type goes out from the component it targets, body untouched', async () => {
    const q = 'channel=news&variant=clear&region=emea&isp=eu-telco&device=desktop&sid=ct';
    const get = async (url: string) => {
      const r = await fetch(url);
      return {
        status: r.status,
        type: r.headers.get('content-type'),
        body: Buffer.from(await r.arrayBuffer()),
      };
    };
    const base = edge('cdn-a', 'fra', 'eu-cable');
    const { n } = await newestSegment(base, 'news', '432p');
    const urls = {
      mpd: `${stack.linkUrl('viewer.entry')}/play/manifest.mpd?${q}`,
      init: `${base}/live/news/clear/432p/init.mp4`,
      segment: `${base}/live/news/clear/432p/${n}.m4s`,
      origin: `${stack.urls.origin}/live/news/clear/432p/init.mp4`,
    };
    const before = await Promise.all(Object.values(urls).map(get));
    expect(before.map((r) => r.type)).toEqual([
      'application/dash+xml',
      'video/mp4',
      'video/mp4',
      'video/mp4',
    ]);
    const faults = [
      await api('POST', '/faults/http', {
        type: 'content-type-wrong',
        contentType: 'text/html',
        match: { component: 'entry' },
      }),
      await api('POST', '/faults/http', {
        type: 'content-type-wrong',
        contentType: 'binary/octet-stream',
        match: { component: 'edge', cdn: 'cdn-a', pop: 'fra', kind: ['init', 'segment'] },
      }),
      await api('POST', '/faults/http', {
        type: 'content-type-wrong',
        contentType: 'text/plain',
        match: { component: 'origin' },
      }),
    ];
    expect(faults.map((f) => f.status)).toEqual([201, 201, 201]);
    const during = await Promise.all(Object.values(urls).map(get));
    expect(during.map((r) => r.type)).toEqual([
      'text/html',
      'binary/octet-stream',
      'binary/octet-stream',
      'text/plain',
    ]);
    expect(during.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // The bytes are the same (the MPD's clock-driven attributes aside).
    expect(during.slice(1).map((r) => r.body.length)).toEqual(before.slice(1).map((r) => r.body.length));
    expect(during[2]!.body.equals(before[2]!.body)).toBe(true);
    // Another POP of the same CDN still says video/mp4.
    expect((await get(`${edge('cdn-a', 'ams', 'eu-cable')}/live/news/clear/432p/init.mp4`)).type).toBe(
      'video/mp4',
    );
    for (const f of faults) await api('DELETE', `/faults/http/${f.body.id}`);
    expect((await get(urls.segment)).type).toBe('video/mp4');
  });
});

describe('TCP faults on links', () => {
  it('latency on one ISP in one region slows only that ISP', async () => {
    const f = await api('POST', '/faults/tcp', {
      type: 'latency',
      match: { link: 'viewer-edge', region: 'emea', isp: 'eu-cable' },
      attributes: { latency: 300 },
    });
    expect(f.status).toBe(201);
    expect((f.body.links as string[]).length).toBe(6); // 3 EMEA POPs × 2 CDNs
    const timed = async (url: string) => {
      const t0 = performance.now();
      await (await fetch(url)).text();
      return performance.now() - t0;
    };
    expect(
      await timed(`${edge('cdn-a', 'fra', 'eu-cable')}/live/news/clear/216p/media.m3u8`),
    ).toBeGreaterThanOrEqual(290);
    expect(await timed(`${edge('cdn-a', 'fra', 'eu-telco')}/live/news/clear/216p/media.m3u8`)).toBeLessThan(
      250,
    );
    await api('DELETE', `/faults/tcp/${f.body.id}`);
    expect(
      await timed(`${edge('cdn-a', 'fra', 'eu-cable')}/live/news/clear/216p/media.m3u8?x=2`),
    ).toBeLessThan(250);
  });

  it('a down edge→shield link turns misses into 502s at that POP', async () => {
    const f = await api('POST', '/faults/tcp', { type: 'down', match: { name: 'edge.cdn-b.sjc' } });
    const r = await fetch(
      `${edge('cdn-b', 'sjc', 'na-cable')}/live/sport/clear/216p/media.m3u8?miss=${Date.now()}`,
    );
    expect(r.status).toBe(502);
    await r.text();
    await api('DELETE', `/faults/tcp/${f.body.id}`);
    const ok = await fetch(
      `${edge('cdn-b', 'sjc', 'na-cable')}/live/sport/clear/216p/media.m3u8?miss=${Date.now()}`,
    );
    expect(ok.status).toBe(200);
    await ok.text();
  });
});

describe('levers', () => {
  it('a bad packager deploy brings drift; rolling it back removes it', async () => {
    await api('POST', '/deploys', { component: 'packager', version: '3.5.0' });
    const state = (await api('GET', '/faults')).body as { http: { id: string; type: string }[] };
    expect(state.http.find((f) => f.id === 'deploy:packager')?.type).toBe('av-drift');
    const r = await api('POST', '/levers/rollback', { component: 'packager' });
    expect(r.status).toBe(201);
    expect((await api('GET', '/deploys')).body.versions).toMatchObject({ packager: '3.4.2' });
    expect(
      ((await api('GET', '/faults')).body.http as { id: string }[]).some((f) => f.id === 'deploy:packager'),
    ).toBe(false);
  });

  it('fail over moves shield pulls to the backup origin, and back', async () => {
    const backupBefore = stack.monitors['backup-origin'].snapshot().byKind.manifest.requests;
    await api('POST', '/levers/failover', { to: 'backup' });
    await (
      await fetch(`${edge('cdn-b', 'ams', 'eu-telco')}/live/news/enc/audio/media.m3u8?f=${Date.now()}`)
    ).text();
    expect(stack.monitors['backup-origin'].snapshot().byKind.manifest.requests).toBeGreaterThan(backupBefore);
    await api('POST', '/levers/failover', { to: 'primary' });
    expect(stack.levers.origin).toBe('primary');
  });

  it('the ad-pod flag breaks ad-break segments for one device class; disabling it stops that', async () => {
    await api('POST', '/flags/ad-pod', { enabled: true, brokenFor: ['tv'] });
    const base = edge('cdn-a', 'iad', 'na-telco');
    const { n } = await newestSegment(base, 'sport', '360p');
    const adN = n - (n % 15); // first segment of the latest ad break
    const get = async (device: string) =>
      Buffer.from(await (await fetch(`${base}/d/${device}/live/sport/clear/360p/${adN}.m4s`)).arrayBuffer());
    const tv = await get('tv');
    const desktop = await get('desktop');
    expect(tv.length).toBe(desktop.length);
    expect(tv.equals(desktop)).toBe(false); // same boxes, undecodable samples for the TV
    await api('POST', '/levers/disable-flag', { flag: 'ad-pod' });
    const tvAfter = await (await fetch(`${base}/d/tv/live/sport/clear/360p/${adN + 15}.m4s`))
      .arrayBuffer()
      .catch(() => undefined);
    expect(stack.flags.adPod.enabled).toBe(false);
    expect(tvAfter).toBeDefined();
  });
});

describe('control API input', () => {
  it('rejects bad input with the field and what was expected', async () => {
    const unknownType = await api('POST', '/faults/http', { type: 'meteor-strike' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error).toMatch(/type/);
    const badMatch = await api('POST', '/faults/http', {
      type: 'http-status',
      status: 503,
      match: { colour: 'red' },
    });
    expect(badMatch.status).toBe(400);
    expect(JSON.stringify(badMatch.body.issues)).toContain('colour');
    const badStatus = await api('POST', '/faults/http', { type: 'http-status', status: 200 });
    expect(badStatus.body.error).toMatch(/status/);
    expect((await api('POST', '/faults/http', '{not json')).status).toBe(400);
    expect((await api('POST', '/levers/teleport', {})).body.error).toMatch(/unknown lever/);
    expect((await api('POST', '/levers/steer', { region: 'mars', cdn: 'cdn-b' })).body.error).toMatch(
      /unknown region 'mars'/,
    );
    expect((await api('POST', '/levers/steer', { region: 'emea' })).body.error).toMatch(/needs 'cdn'/);
    expect((await api('POST', '/deploys', { component: 'toaster', version: '1' })).body.error).toMatch(
      /unknown component/,
    );
    expect(
      (await api('POST', '/faults/tcp', { type: 'latency', match: { pop: 'nowhere' } })).body.error,
    ).toMatch(/match\.pop: unknown pop 'nowhere' \(pop: fra, ams, par, iad, sjc\)/);
    expect(
      (await api('POST', '/faults/tcp', { type: 'latency', match: { link: 'viewer-licence', cdn: 'cdn-a' } }))
        .body.error,
    ).toMatch(/no link matches/);
    expect((await api('DELETE', '/faults/http/nope')).status).toBe(404);
    // Typos that would make a drill vacuous, and values that would overflow a timer (issue 16).
    for (const [path, body, message] of [
      [
        '/faults/http',
        { type: 'http-status', status: 503, match: { pop: 'xyz' } },
        "invalid fault: match.pop: unknown pop 'xyz' (POPs: fra, ams, par, iad, sjc, shield-emea, shield-na)",
      ],
      [
        '/faults/http',
        { type: 'http-status', status: 503, match: { cdn: 'cdn-zzz' } },
        "invalid fault: match.cdn: unknown cdn 'cdn-zzz' (CDNs: cdn-a, cdn-b)",
      ],
      [
        '/faults/tcp',
        { type: 'latency', match: { isp: 'eu-cable' }, attributes: { latncy: 300 } },
        "invalid TCP fault: attributes: unknown key 'latncy' (latency attributes: latency, jitter)",
      ],
      [
        '/faults/tcp',
        { type: 'latency', match: { isp: 'eu-cable' }, attributes: { latency: 4294967296 } },
        'invalid TCP fault: attributes.latency: at most 600000 ms (10 minutes)',
      ],
      [
        '/faults/http',
        { type: 'http-delay', delayMs: 4294967296 },
        'invalid fault: delayMs: at most 600000 ms (10 minutes)',
      ],
    ] as const) {
      const r = await api('POST', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toBe(message);
    }
    expect((await api('GET', '/faults')).body).toEqual({ http: expect.any(Array), tcp: [] });
    const badViewer = await fetch(
      `${stack.linkUrl('viewer.entry')}/play/master.m3u8?channel=news&region=emea&isp=na-telco&sid=x`,
    );
    expect(badViewer.status).toBe(400);
    expect(((await badViewer.json()) as { error: string }).error).toMatch(/isp: unknown ISP for region emea/);
  });

  it('has exactly the links faults are checked against (targets.ts), by name and labels', () => {
    const real = [...stack.links.values()].map(({ name, labels }) => ({ name, labels }));
    const sort = (xs: { name: string }[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(real)).toEqual(sort(topologyLinks(stack.topology)));
  });

  it('shows all state, and Prometheus metrics for every dashboard', async () => {
    const state = (await api('GET', '/state')).body;
    for (const key of [
      'origin',
      'packager',
      'cdn',
      'manifests',
      'drm',
      'steering',
      'deploys',
      'flags',
      'levers',
      'faults',
      'links',
    ]) {
      expect(state).toHaveProperty(key);
    }
    const metrics = await (await fetch(`${stack.urls.control}/metrics`)).text();
    for (const name of [
      'streamdrill_origin_5xx_total',
      'streamdrill_manifest_age_seconds',
      'streamdrill_packager_av_drift_seconds',
      'streamdrill_pop_cache_misses_total',
      'streamdrill_pop_parent_requests_total',
      'streamdrill_drm_errors_total{drm="playready"}',
      'streamdrill_steering_rank',
      // Request latencies are real histograms (cumulative buckets, sum, count).
      'streamdrill_origin_segment_latency_seconds_bucket{le="+Inf",origin="origin"}',
      'streamdrill_origin_segment_latency_seconds_count{origin="origin"}',
      'streamdrill_drm_latency_seconds_bucket{le="+Inf",drm="playready"}',
    ]) {
      expect(metrics).toContain(name);
    }
    const count = Number(
      /streamdrill_origin_segment_latency_seconds_count\{origin="origin"\} (\d+)/.exec(metrics)?.[1],
    );
    expect(count).toBe(stack.monitors.origin.snapshot().segmentLatency.count);
    expect(count).toBeGreaterThan(0);
    // Prometheus's own linter accepts the whole exposition.
    expect(await promtoolCheckMetrics(metrics)).toEqual({ code: 0, problems: '' });
  });
});

describe('shutdown', () => {
  it('closes every server and link: nothing listens afterwards', async () => {
    const s = await Stack.start({ seed: 'close', manifestMonitorMs: 0 });
    const ports = [
      ...[...s.links.values()].map((l) => Number(l.listen.split(':').pop())),
      ...Object.values(s.urls).map((u) => Number(new URL(u).port)),
      Number(new URL(s.faultProxy.url).port),
    ];
    await s.close();
    const open = await Promise.all(
      ports.map(
        (port) =>
          new Promise<boolean>((resolve) => {
            const sock = net.connect(port, '127.0.0.1');
            sock.once('connect', () => {
              sock.destroy();
              resolve(true);
            });
            sock.once('error', () => resolve(false));
          }),
      ),
    );
    expect(ports.length).toBeGreaterThan(40);
    expect(open.filter(Boolean)).toEqual([]);
  });
});

describe('on a shared Toxiproxy (TOXIPROXY_URL)', () => {
  it('removes only what it made: another team keeps its toxics and its disabled proxies', async () => {
    const shared = await startToxiproxy('shared');
    try {
      // Another team's proxies on the same Toxiproxy: one with a toxic, one disabled on purpose.
      const theirs = await shared.client.populate([
        { name: 'team-b.api', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true },
        { name: 'team-b.db', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true },
      ]);
      await (await shared.client.get('team-b.api')).addToxic({
        name: 'their-latency',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 300, jitter: 0 },
      } as never);
      const db = await shared.client.get('team-b.db');
      await db.update({ enabled: false, listen: db.listen, upstream: db.upstream });
      expect(theirs).toBeDefined();

      const fp = await FaultProxy.connect({ url: shared.url });
      const s = await Stack.start({ seed: 'shared', manifestMonitorMs: 0, faultProxy: fp });
      await s.tcp.add({
        type: 'latency',
        match: { region: 'emea', link: 'viewer-edge' },
        attributes: { latency: 100 },
      });
      await s.tcp.add({ type: 'down', match: { name: 'viewer.licence' } });
      const names = Object.keys(await shared.client.getAll());
      expect(names.filter((n) => n.startsWith(fp.namespace)).length).toBe(s.links.size);
      await s.close();
      await fp.close();

      const after = await shared.client.getAll();
      expect(Object.keys(after).sort()).toEqual(['team-b.api', 'team-b.db']);
      const toxics = (await (await fetch(`${shared.url}/proxies/team-b.api/toxics`)).json()) as {
        name: string;
      }[];
      expect(toxics.map((t) => t.name)).toEqual(['their-latency']);
      expect((await shared.client.get('team-b.db')).enabled).toBe(false);
    } finally {
      await shared.server.close();
    }
  });
});

describe('who may drive the control API', () => {
  it('on loopback refuses requests addressed to another host (DNS rebinding)', async () => {
    const res = await rawHttp(
      stack.urls.control,
      'POST /levers/steer HTTP/1.1',
      { host: 'attacker.example', 'content-type': 'application/json' },
      JSON.stringify({ region: 'emea', cdn: 'cdn-b' }),
    );
    expect(res.status).toBe(403);
    expect(stack.steering.priority('emea')[0]).toBe('cdn-a');
  });

  it('bound beyond loopback, requires its token for every route', async () => {
    const exposed = await Stack.start({ host: '0.0.0.0', seed: 'exposed', manifestMonitorMs: 0 });
    try {
      expect(exposed.controlToken).toMatch(/^[\w-]{24,}$/);
      const base = exposed.urls.control.replace('0.0.0.0', '127.0.0.1');
      for (const [line, body] of [
        ['POST /levers/steer HTTP/1.1', JSON.stringify({ region: 'emea', cdn: 'cdn-b' })],
        ['POST /faults/http HTTP/1.1', JSON.stringify({ type: 'http-status', status: 503 })],
        ['GET /state HTTP/1.1', ''],
        ['GET /%73tate HTTP/1.1', ''],
      ] as const) {
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        expect((await rawHttp(base, line, headers, body)).status, line).toBe(401);
      }
      expect(exposed.faults.list()).toEqual([]);
      const ok = await rawHttp(
        base,
        'POST /levers/steer HTTP/1.1',
        { 'content-type': 'application/json', authorization: `Bearer ${exposed.controlToken}` },
        JSON.stringify({ region: 'emea', cdn: 'cdn-b' }),
      );
      expect(ok.status).toBe(201);
    } finally {
      await exposed.close();
    }
  });
});

describe('a port base too close to 65535', () => {
  it('is refused with what to do, and nothing is left listening', async () => {
    await expect(Stack.start({ portBase: 65500, manifestMonitorMs: 0 })).rejects.toThrow(
      /--port-base 65500: the stack needs more ports than there are from 65500 to 65535/,
    );
    const open = await new Promise<boolean>((resolve) => {
      const sock = net.connect(65500, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    expect(open).toBe(false);
  });
});
