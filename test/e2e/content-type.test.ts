/**
 * What real hls.js and Shaka do with a wrong Content-Type (the `content-type-wrong` fault), measured
 * in headless Chromium on the stub stack: manifests (the HLS multivariant and media playlists, the
 * DASH MPD), init segments and media segments served with a wrong type from the first request on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../origin-stub/stack.ts';
import { type Drill, sleep, startDrill, viewer, waitFor } from '../support/players.ts';

let d: Drill | undefined;

afterAll(async () => {
  await d?.close();
}, 30_000);

const viewers = [
  viewer(0, { player: 'hlsjs', channel: 'news' }),
  viewer(1, { player: 'hlsjs', channel: 'sport', variant: 'enc' }),
  viewer(2, { player: 'shaka', channel: 'news' }),
  viewer(3, { player: 'shaka', channel: 'sport', variant: 'enc' }),
];

/** The Content-Type each kind of object is served with, fetched as a viewer would (entry, then cdn-a/fra). */
async function servedTypes(stack: Stack): Promise<Record<string, string | null>> {
  const q = 'channel=news&variant=clear&region=emea&isp=eu-telco&device=desktop&sid=probe';
  const entry = stack.linkUrl('viewer.entry');
  const edge = stack.linkUrl('viewer.cdn-a.fra.eu-telco');
  const type = async (url: string) => {
    const r = await fetch(url);
    await r.arrayBuffer();
    return r.headers.get('content-type');
  };
  const media = await (await fetch(`${edge}/live/news/clear/216p/media.m3u8`)).text();
  const n = media
    .split('\n')
    .filter((l) => l.endsWith('.m4s'))
    .at(-1)!;
  return {
    hlsMultivariant: await type(`${entry}/play/master.m3u8?${q}`),
    dashMpd: await type(`${entry}/play/manifest.mpd?${q}`),
    hlsMedia: await type(`${edge}/live/news/clear/216p/media.m3u8`),
    init: await type(`${edge}/live/news/clear/216p/init.mp4`),
    segment: await type(`${edge}/live/news/clear/216p/${n}`),
  };
}

async function measure(name: string, faults: Record<string, unknown>[]) {
  d = await startDrill({
    viewers,
    runId: name,
    beforeViewers: (stack) => {
      for (const f of faults) stack.faults.add(f);
    },
  });
  const drill = d;
  const t0 = Date.now();
  const started = await waitFor(
    async () => (await drill.states()).filter((s) => s.started).length === viewers.length,
    30_000,
  );
  const startMs = Date.now() - t0;
  const before = await drill.states();
  await sleep(12_000);
  const after = await drill.states();
  const w = Date.now() - t0 + 1000;
  const types = await servedTypes(drill.stack);
  const hits = drill.stack.pops.reduce((n, p) => n + p.stats().faultHits, 0);
  const out = {
    name,
    started,
    startMs,
    types,
    popFaultHits: hits,
    players: Object.fromEntries(
      ['hlsjs', 'shaka'].map((player) => {
        const m = drill.metrics({ player }, w);
        return [
          player,
          {
            started: m.startup.count,
            startupP50Ms: m.startup.p50Ms,
            videoStartFailures: m.videoStartFailures,
            playbackFailures: m.playbackFailures,
            stalls: m.stalls,
            errors: m.errors.map((e) => `${e.category}/${e.code}${e.fatal ? ' fatal' : ''} x${e.count}`),
            played: after
              .filter((s) => s.player === player)
              .map((s) => s.currentTime - (before.find((b) => b.sid === s.sid)?.currentTime ?? 0)),
          },
        ];
      }),
    ),
  };
  console.log(JSON.stringify(out));
  await drill.close();
  d = undefined;
  return out;
}

/** What a run shows when players ignore the type: every viewer started and kept playing, no error. */
function expectIgnored(r: Awaited<ReturnType<typeof measure>>) {
  expect(r.started, 'every viewer started').toBe(true);
  expect(r.popFaultHits, 'the CDN served the wrong type').toBeGreaterThan(0);
  for (const [player, p] of Object.entries(r.players)) {
    expect(p.started, `${player} starts`).toBe(2);
    expect(p.videoStartFailures + p.playbackFailures, `${player} failures`).toBe(0);
    expect(p.errors, `${player} errors`).toEqual([]);
    expect(p.stalls, `${player} stalls`).toBe(0);
    // 12 s of wall time between the two looks; allow for a loaded machine's late timers.
    for (const played of p.played) expect(played, `${player} keeps playing`).toBeGreaterThan(9);
  }
}

describe('content-type-wrong, both players', () => {
  it('baseline: no fault', async () => {
    const r = await measure('none', []);
    expect(r.types).toEqual({
      hlsMultivariant: 'application/vnd.apple.mpegurl',
      dashMpd: 'application/dash+xml',
      hlsMedia: 'application/vnd.apple.mpegurl',
      init: 'video/mp4',
      segment: 'video/mp4',
    });
  }, 90_000);

  it('is ignored by both: every manifest, init and media segment as text/html', async () => {
    const contentType = 'text/html; charset=iso-8859-1';
    const r = await measure('html', [{ type: 'content-type-wrong', contentType }]);
    expect(Object.values(r.types)).toEqual([contentType, contentType, contentType, contentType, contentType]);
    expectIgnored(r);
  }, 90_000);

  it('is ignored by both: manifests as video/mp4, init and media segments as an HLS playlist', async () => {
    const r = await measure('swap', [
      { type: 'content-type-wrong', contentType: 'video/mp4', match: { kind: 'manifest' } },
      {
        type: 'content-type-wrong',
        contentType: 'application/vnd.apple.mpegurl',
        match: { kind: ['init', 'segment'] },
      },
    ]);
    expect(r.types).toEqual({
      hlsMultivariant: 'video/mp4',
      dashMpd: 'video/mp4',
      hlsMedia: 'video/mp4',
      init: 'application/vnd.apple.mpegurl',
      segment: 'application/vnd.apple.mpegurl',
    });
    expectIgnored(r);
  }, 90_000);
});
