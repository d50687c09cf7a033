/**
 * The whole stub stack played by real players: every player of the registry — hls.js (HLS), Shaka
 * and dash.js (DASH) — clear and encrypted, in Debian Chromium, on the one player page the entry
 * point serves (`/player?...`, its standalone mode, as `streamdrill stack up` prints it), through an
 * edge POP, the shield and the origin, every hop through a fault proxy. Then EMEA is steered to
 * cdn-b and every player's segments move there.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../../origin-stub/stack.ts';
import { type LaunchedBrowser, launchBrowser } from '../../player-harness/browser.ts';
import { ensurePageBuilt } from '../../player-harness/build.ts';
import type { PageApi } from '../../player-harness/page/protocol.ts';

let stack: Stack;
let browser: LaunchedBrowser;

beforeAll(async () => {
  const playerPage = await ensurePageBuilt();
  stack = await Stack.start({
    seed: 'e2e',
    topology: { steeringTtlSeconds: 2 },
    manifestMonitorMs: 0,
    playerPage,
  });
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
}, 30_000);

interface PlayerState {
  t: number;
  fatal: string | null;
  errors: string[];
  lastSegmentUrl: string | null;
}

const readState = (page: Page): Promise<PlayerState> =>
  page.evaluate(() => {
    const s = (window as unknown as { streamdrill: PageApi }).streamdrill.state()[0];
    return {
      t: s?.currentTime ?? 0,
      fatal: s?.ended === 'fail' ? (s.errors.at(-1) ?? 'fail') : null,
      errors: s?.errors ?? [],
      lastSegmentUrl: s?.lastSegmentUrl ?? null,
    };
  });

/** Polls until `done` holds or the time runs out; returns the last state. */
async function waitFor(page: Page, done: (s: PlayerState) => boolean, ms: number): Promise<PlayerState> {
  const until = Date.now() + ms;
  let s = await readState(page);
  while (!done(s) && !s.fatal && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    s = await readState(page);
  }
  return s;
}

const cdnOf = (url: string | null): string | undefined => {
  if (!url) return undefined;
  const host = new URL(url).host;
  return [...stack.links.values()].find((l) => l.listen === host)?.labels.cdn;
};

describe('stub stack in Chromium', () => {
  it('plays clear and encrypted HLS (hls.js) and DASH (Shaka, dash.js) through the CDN, then follows steering to cdn-b', async () => {
    const cases = [
      { player: 'hlsjs', variant: 'clear', channel: 'news', device: 'desktop' },
      { player: 'hlsjs', variant: 'enc', channel: 'sport', device: 'mobile' },
      { player: 'shaka', variant: 'clear', channel: 'sport', device: 'desktop' },
      { player: 'shaka', variant: 'enc', channel: 'news', device: 'tv' },
      { player: 'dashjs', variant: 'clear', channel: 'news', device: 'desktop' },
      { player: 'dashjs', variant: 'enc', channel: 'sport', device: 'tv' },
    ];
    const pages = await Promise.all(
      cases.map(async (c, i) => {
        const page = await browser.context.newPage();
        const q = new URLSearchParams({
          ...c,
          region: 'emea',
          isp: i % 2 ? 'eu-cable' : 'eu-telco',
          sid: `e2e-${i}`,
        });
        await page.goto(`${stack.linkUrl('viewer.entry')}/player?${q}`);
        return page;
      }),
    );
    const started = await Promise.all(pages.map((p) => waitFor(p, (s) => s.t > 3, 25_000)));
    started.forEach((s, i) => {
      expect(s.fatal, `${cases[i]!.player} ${cases[i]!.variant}`).toBeNull();
      expect(s.t, `${cases[i]!.player} ${cases[i]!.variant} plays`).toBeGreaterThan(3);
      expect(cdnOf(s.lastSegmentUrl)).toBe('cdn-a');
    });
    const drm = stack.licenceStats();
    expect(drm.fairplay?.issued).toBeGreaterThanOrEqual(1);
    expect(drm.playready?.issued).toBeGreaterThanOrEqual(2);
    const popB = () =>
      stack.pops
        .filter((p) => p.cdn === 'cdn-b' && p.region === 'emea')
        .reduce((n, p) => n + p.stats().requests, 0);
    const beforeB = popB();

    stack.levers.steer('emea', 'cdn-b');
    const moved = await Promise.all(
      pages.map((p) => waitFor(p, (s) => cdnOf(s.lastSegmentUrl) === 'cdn-b', 15_000)),
    );
    moved.forEach((s, i) => {
      expect(s.fatal, `${cases[i]!.player} after steering`).toBeNull();
      expect(cdnOf(s.lastSegmentUrl), `${cases[i]!.player} ${cases[i]!.variant} on cdn-b`).toBe('cdn-b');
    });
    expect(popB()).toBeGreaterThan(beforeB);
    const after = await Promise.all(pages.map((p) => waitFor(p, () => false, 1500)));
    for (const [i, s] of after.entries()) expect(s.t, 'still playing').toBeGreaterThan(moved[i]!.t);
    await Promise.all(pages.map((p) => p.close()));
  }, 80_000);
});
