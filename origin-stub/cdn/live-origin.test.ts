/** The CDN tier in front of the real live origin (packager/origin.ts): layout, headers, caching. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { FaultRegistry } from '../../faults/registry.ts';
import { httpGet } from '../../test/support/fake-origin.ts';
import { DEFAULT_MEDIA_DIR, loadChannelMedia } from '../media/load-media.ts';
import { prepareLiveChannels } from '../packager/channels.ts';
import { CACHE_MANIFEST, CACHE_SEGMENT, createLiveOrigin } from '../packager/origin.ts';
import { type Pop, startPop } from './pop.ts';

const AST = Date.UTC(2026, 0, 1);
const clock = new VirtualClock(AST + 30_000);
let app: FastifyInstance;
let shield: Pop;
let edge: Pop;
let originPulls = 0;

beforeAll(async () => {
  const prepared = prepareLiveChannels([loadChannelMedia(`${DEFAULT_MEDIA_DIR}/news`)], 'test-secret');
  const origin = createLiveOrigin({
    clock,
    channels: prepared.channels,
    availabilityStartTimeMs: AST,
    windowSegments: 6,
  });
  app = Fastify();
  app.addHook('onRequest', async () => {
    originPulls++;
  });
  await app.register(origin.plugin);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const originUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const faults = new FaultRegistry(clock);
  const base = { cdn: 'cdn-a', region: 'emea', clock, faults };
  shield = await startPop({ ...base, name: 'shield-emea', tier: 'shield', parent: () => originUrl });
  edge = await startPop({ ...base, name: 'fra', tier: 'edge', isps: ['telco'], parent: () => shield.url() });
});
afterAll(async () => {
  await edge?.close();
  await shield?.close();
  await app?.close();
});

describe('CDN in front of the live origin', () => {
  it('serves the ladder through edge and shield, with the origin cache headers', async () => {
    const base = `${edge.url('telco')}/d/tv/live/news/clear`;
    const master = await httpGet(`${base}/master.m3u8`);
    expect([master.status, master.headers['cache-control']]).toEqual([200, CACHE_MANIFEST]);
    const media = await httpGet(`${base}/360p/media.m3u8`);
    expect(media.text).toContain('#EXTM3U');
    const seg = /^(\d+)\.m4s$/m.exec(media.text)?.[1];
    expect(seg).toBeDefined();
    const init = await httpGet(`${base}/360p/init.mp4`);
    const s1 = await httpGet(`${base}/360p/${seg}.m4s`);
    expect([init.status, s1.status, s1.headers['cache-control'], s1.headers['x-cache']]).toEqual([
      200,
      200,
      CACHE_SEGMENT,
      'MISS',
    ]);
    const pulls = originPulls;
    clock.advanceBy(2500); // manifests expired (max-age=1) and one more segment is out
    const s2 = await httpGet(`${base}/360p/${seg}.m4s`);
    const media2 = await httpGet(`${base}/360p/media.m3u8`);
    expect([s2.headers['x-cache'], media2.headers['x-cache']]).toEqual(['HIT', 'MISS']);
    expect(s2.body.equals(s1.body)).toBe(true);
    expect(originPulls).toBe(pulls + 1); // only the expired playlist went back to the origin
    expect(media2.text).not.toBe(media.text); // the live window moved
    expect(edge.stats().byKind.segment).toMatchObject({ requests: 2, hits: 1, misses: 1 });
    expect(shield.stats().parentRequests).toBe(originPulls);
  });
});
