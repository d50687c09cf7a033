import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { decryptSegmentSamples } from '../drm/cenc.ts';
import { DEFAULT_MEDIA_DIR, loadChannelMedia } from '../media/load-media.ts';
import { readFragment, readTfdt } from '../mp4/fragment.ts';
import { readInitInfo } from '../mp4/init.ts';
import { type PreparedChannels, prepareLiveChannels } from './channels.ts';
import { CACHE_MANIFEST, CACHE_SEGMENT, createLiveOrigin, type LiveFaults } from './origin.ts';

const AST = Date.UTC(2026, 0, 1);
const clock = new VirtualClock(AST + 30_000);
let prepared: PreparedChannels;
let app: FastifyInstance;
const faults: Record<string, LiveFaults> = {};

beforeAll(async () => {
  prepared = prepareLiveChannels([loadChannelMedia(`${DEFAULT_MEDIA_DIR}/news`)], 'test-secret');
  const origin = createLiveOrigin({
    clock,
    channels: prepared.channels,
    availabilityStartTimeMs: AST,
    windowSegments: 6,
    faults: (channel, variant) => faults[`${channel}/${variant}`],
  });
  app = Fastify();
  await app.register(origin.plugin);
});
afterAll(async () => {
  await app.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });
const bytes = (res: { rawPayload: Buffer }) => new Uint8Array(res.rawPayload);

describe('live origin', () => {
  it('serves manifests with live cache headers', async () => {
    for (const [url, type] of [
      ['/live/news/clear/master.m3u8', 'application/vnd.apple.mpegurl'],
      ['/live/news/enc/360p/media.m3u8', 'application/vnd.apple.mpegurl'],
      ['/live/news/clear/manifest.mpd', 'application/dash+xml'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['cache-control']).toBe(CACHE_MANIFEST);
    }
    expect((await get('/live/news/enc/360p/media.m3u8')).body).toContain('#EXT-X-KEY:METHOD=SAMPLE-AES-CTR');
    expect((await get('/live/news/clear/manifest.mpd')).body).toContain('value="/live/time"');
  });

  it('serves the clock time for UTCTiming', async () => {
    const res = await get('/live/time');
    expect(res.body).toBe(new Date(clock.now()).toISOString());
  });

  it('answers 404 for future and expired segments', async () => {
    // At 30 s: video segments 0..14 have ended; window is 9..14, kept until 3.
    expect((await get('/live/news/clear/360p/14.m4s')).statusCode).toBe(200);
    const future = await get('/live/news/clear/360p/15.m4s');
    expect(future.statusCode).toBe(404);
    expect(future.json().error).toMatch(/not available yet/);
    expect((await get('/live/news/clear/360p/3.m4s')).statusCode).toBe(200);
    expect((await get('/live/news/clear/360p/2.m4s')).json().error).toMatch(/expired/);
    clock.advanceBy(2000);
    expect((await get('/live/news/clear/360p/15.m4s')).statusCode).toBe(200);
  });

  it('explains bad paths', async () => {
    expect((await get('/live/nope/clear/master.m3u8')).json().error).toBe(
      "unknown channel 'nope' (channels: news)",
    );
    expect((await get('/live/news/drm/master.m3u8')).json().error).toMatch(/unknown variant 'drm'/);
    expect((await get('/live/news/clear/999p/init.mp4')).json().error).toMatch(/unknown rendition '999p'/);
    expect((await get('/live/news/clear/360p/abc.m4s')).json().error).toMatch(/not a segment name/);
  });

  it('keeps timestamps continuous across the loop wrap (served bytes)', async () => {
    // Clock at 32 s: window 10..15, segments from 4 on still served.
    for (const r of ['360p', 'audio']) {
      let prevEnd: number | undefined;
      for (let n = 5; n <= 11; n++) {
        const res = await get(`/live/news/clear/${r}/${n}.m4s`);
        expect(res.statusCode).toBe(200);
        expect(res.headers['cache-control']).toBe(CACHE_SEGMENT);
        const frag = readFragment(bytes(res));
        if (prevEnd !== undefined) expect(frag.baseMediaDecodeTime, `${r} ${n}`).toBe(prevEnd);
        prevEnd = frag.baseMediaDecodeTime + frag.duration;
      }
    }
    // Segment 8 starts the second loop: 16 s in both tracks.
    expect(readTfdt(bytes(await get('/live/news/clear/360p/8.m4s')))).toBe(16 * 15360);
    expect(readTfdt(bytes(await get('/live/news/clear/audio/8.m4s')))).toBe(16 * 48000);
  });

  it('serves encrypted segments that decrypt to the clear ones', async () => {
    const initRes = await get('/live/news/enc/432p/init.mp4');
    const track = readInitInfo(bytes(initRes));
    expect(track.sampleEntry).toBe('encv');
    const enc = bytes(await get('/live/news/enc/432p/9.m4s'));
    const clear = bytes(await get('/live/news/clear/432p/9.m4s'));
    expect(readTfdt(enc)).toBe(readTfdt(clear));
    const key = prepared.channels[0]!.key.key;
    const dec = decryptSegmentSamples(enc, track, key);
    const samples = (b: Uint8Array) =>
      readFragment(b).samples.map((s) => Buffer.from(b.subarray(s.offset, s.offset + s.size)));
    expect(samples(dec)).toEqual(samples(clear));
  });

  it('applies gap and A/V drift faults', async () => {
    faults['news/clear'] = { isGap: (n) => n === 12, audioOffsetMs: () => 500 };
    try {
      expect((await get('/live/news/clear/360p/12.m4s')).json().error).toMatch(/gap/);
      expect((await get('/live/news/clear/360p/media.m3u8')).body).toContain('#EXT-X-GAP');
      expect(readTfdt(bytes(await get('/live/news/clear/audio/10.m4s')))).toBe(768000 + 2 * 96256 + 24000);
      expect(readTfdt(bytes(await get('/live/news/clear/360p/10.m4s')))).toBe(20 * 15360);
      expect((await get('/live/news/enc/360p/12.m4s')).statusCode).toBe(200);
    } finally {
      delete faults['news/clear'];
    }
  });

  it('freezes manifests while segments keep being served', async () => {
    faults['news/clear'] = { frozenAtMs: clock.now() };
    try {
      const before = (await get('/live/news/clear/360p/media.m3u8')).body;
      clock.advanceBy(10_000);
      expect((await get('/live/news/clear/360p/media.m3u8')).body).toBe(before);
      expect((await get('/live/news/enc/360p/media.m3u8')).body).not.toContain('#EXT-X-MEDIA-SEQUENCE:14\n');
    } finally {
      delete faults['news/clear'];
    }
  });
});
