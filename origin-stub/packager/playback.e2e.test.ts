/**
 * End to end: the live origin and the ClearKey licence server on 127.0.0.1, played by real hls.js
 * and Shaka Player in Debian Chromium (one browser, one page per case). Clear and encrypted, HLS and
 * DASH must all advance currentTime by several seconds without a fatal error; encrypted ones must
 * have fetched a licence.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../core/clock.ts';
import { type LaunchedBrowser, launchBrowser } from '../../player-harness/browser.ts';
import { type ClearKeyServer, createClearKeyServer } from '../drm/clearkey-server.ts';
import { loadAllMedia } from '../media/load-media.ts';
import { prepareLiveChannels } from './channels.ts';
import { createLiveOrigin } from './origin.ts';

/** Media seconds each player must advance. */
const ADVANCE_SECONDS = 4;
const PLAY_TIMEOUT_MS = 30_000;

const nodeModule = (rel: string) => fileURLToPath(new URL(`../../node_modules/${rel}`, import.meta.url));

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>streamdrill e2e</title></head>
<body><video id="v" muted playsinline width="160" height="90"></video>
<script src="/e2e/hls.min.js"></script>
<script src="/e2e/shaka-player.compiled.js"></script>
<script>
const q = new URLSearchParams(location.search);
const video = document.getElementById('v');
window.__state = { errors: [], fatal: null };
const fail = (what) => { window.__state.fatal = window.__state.fatal || what; };
async function main() {
  const src = q.get('src');
  const licence = q.get('licence');
  if (q.get('player') === 'hls') {
    const config = licence ? { emeEnabled: true, drmSystems: { 'org.w3.clearkey': { licenseUrl: licence } } } : {};
    const hls = new Hls(config);
    hls.on(Hls.Events.ERROR, (_e, d) => {
      window.__state.errors.push(d.details + (d.fatal ? ' (fatal)' : ''));
      if (d.fatal) fail('hls.js ' + d.details);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  } else {
    shaka.polyfill.installAll();
    const player = new shaka.Player();
    await player.attach(video);
    if (licence) player.configure({ drm: { servers: { 'org.w3.clearkey': licence } } });
    player.addEventListener('error', (e) => {
      window.__state.errors.push('shaka ' + e.detail.code + ' severity ' + e.detail.severity);
      if (e.detail.severity === 2) fail('shaka ' + e.detail.code);
    });
    await player.load(src);
  }
  await video.play();
}
main().catch((e) => fail('start: ' + (e && (e.code || e.message || e))));
</script></body></html>`;

interface Case {
  name: string;
  player: 'hls' | 'dash';
  variant: 'clear' | 'enc';
  /** DRM label the licence request carries (encrypted cases). */
  label?: string;
}

const CASES: Case[] = [
  { name: 'HLS clear (hls.js)', player: 'hls', variant: 'clear' },
  { name: 'HLS encrypted (hls.js)', player: 'hls', variant: 'enc', label: 'widevine' },
  { name: 'DASH clear (Shaka)', player: 'dash', variant: 'clear' },
  { name: 'DASH encrypted (Shaka)', player: 'dash', variant: 'enc', label: 'playready' },
];

const clock = new RealClock();
let app: FastifyInstance | undefined;
let licence: ClearKeyServer;
let context: BrowserContext | undefined;
let browser: LaunchedBrowser | undefined;
let baseUrl = '';

beforeAll(async () => {
  const prepared = prepareLiveChannels(loadAllMedia());
  console.log(`encrypted ${prepared.channels.length} channels in ${prepared.encryptMs.toFixed(0)} ms`);
  licence = createClearKeyServer({ clock, lookup: (kid) => prepared.keys.get(kid) });
  const origin = createLiveOrigin({ clock, channels: prepared.channels, windowSegments: 10 });
  app = Fastify();
  await app.register(licence.plugin);
  await app.register(origin.plugin);
  const hlsJs = readFileSync(nodeModule('hls.js/dist/hls.min.js'));
  const shakaJs = readFileSync(nodeModule('shaka-player/dist/shaka-player.compiled.js'));
  app.get('/e2e/player.html', async (_req, reply) => reply.type('text/html').send(PAGE));
  app.get('/e2e/hls.min.js', async (_req, reply) => reply.type('text/javascript').send(hlsJs));
  app.get('/e2e/shaka-player.compiled.js', async (_req, reply) =>
    reply.type('text/javascript').send(shakaJs),
  );
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  browser = await launchBrowser();
  context = browser.context;
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await app?.close().catch(() => undefined);
}, 30_000);

interface Outcome {
  advanced: number;
  startupMs?: number;
  fatal: string | null;
  errors: string[];
}

async function play(c: Case): Promise<Outcome> {
  if (!context) throw new Error('browser did not start');
  const page = await context.newPage();
  try {
    const channel = c.player === 'hls' ? 'news' : 'sport';
    const file = c.player === 'hls' ? 'master.m3u8' : 'manifest.mpd';
    const params = new URLSearchParams({
      player: c.player,
      src: `${baseUrl}/live/${channel}/${c.variant}/${file}`,
    });
    if (c.label) params.set('licence', `${baseUrl}/licence?drm=${c.label}`);
    const opened = clock.now();
    await page.goto(`${baseUrl}/e2e/player.html?${params}`);
    let first: number | undefined;
    let startupMs: number | undefined;
    let state = { t: 0, fatal: null as string | null, errors: [] as string[] };
    while (clock.now() - opened < PLAY_TIMEOUT_MS) {
      state = await page.evaluate(() => {
        const s = (window as unknown as { __state: { fatal: string | null; errors: string[] } }).__state;
        return { t: document.querySelector('video')!.currentTime, fatal: s.fatal, errors: s.errors };
      });
      if (state.fatal) break;
      if (state.t > 0 && first === undefined) {
        first = state.t;
        startupMs = clock.now() - opened;
      }
      if (first !== undefined && state.t - first >= ADVANCE_SECONDS) break;
      await clock.sleep(250);
    }
    return {
      advanced: first === undefined ? 0 : state.t - first,
      startupMs,
      fatal: state.fatal,
      errors: state.errors,
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

describe('playback in Chromium', () => {
  it('plays clear and encrypted HLS (hls.js) and DASH (Shaka)', async () => {
    const started = clock.now();
    const outcomes = await Promise.all(CASES.map((c) => play(c)));
    console.log(`all cases done in ${clock.now() - started} ms`);
    CASES.forEach((c, i) => {
      const o = outcomes[i]!;
      console.log(
        `${c.name}: advanced ${o.advanced.toFixed(1)} s, first frame after ${o.startupMs ?? '-'} ms, errors: ${o.errors.join('; ') || 'none'}`,
      );
    });
    CASES.forEach((c, i) => {
      const o = outcomes[i]!;
      expect(o.fatal, c.name).toBeNull();
      expect(o.advanced, c.name).toBeGreaterThanOrEqual(ADVANCE_SECONDS);
    });
    const stats = licence.stats();
    for (const c of CASES.filter((x) => x.label)) {
      expect(stats[c.label!]?.issued, `licences for ${c.name}`).toBeGreaterThanOrEqual(1);
      expect(stats[c.label!]?.errors ?? 0).toBe(0);
    }
  }, 50_000);
});
