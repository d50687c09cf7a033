import { describe, expect, it } from 'vitest';
import type { SessionEvent, SessionLabels } from '../core/events.ts';
import { metricValue } from './catalogue.ts';
import { MetricEngine } from './engine.ts';
import { histogram, weightedQuantile } from './quantiles.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const s = (n: number) => T0 + n * 1000;

const base: SessionLabels = {
  region: 'emea',
  isp: 'eu-telco',
  device: 'desktop',
  player: 'hlsjs',
  playerVersion: '1.7.4',
  channel: 'news',
  variant: 'clear',
  drm: 'none',
  cdn: 'cdn-a',
  pop: 'fra',
};

/** A tiny DSL: ev(sid, type, atSeconds, data?, labels?, weight?) */
function ev(
  sid: string,
  type: SessionEvent['type'],
  at: number,
  data?: SessionEvent['data'],
  labels: Partial<SessionLabels> = {},
  weight = 1,
): SessionEvent {
  return { sid, type, t: s(at), labels: { ...base, ...labels }, weight, ...(data ? { data } : {}) };
}

function feed(engine: MetricEngine, events: SessionEvent[]): MetricEngine {
  for (const e of events) engine.ingest(e);
  return engine;
}

describe('quantiles', () => {
  it('takes weighted nearest-rank quantiles and per-bucket histograms', () => {
    const xs = [
      { value: 100, weight: 1 },
      { value: 200, weight: 1 },
      { value: 900, weight: 8 },
    ];
    expect(weightedQuantile(xs, 0.5)).toBe(900);
    expect(weightedQuantile(xs, 0.1)).toBe(100);
    expect(weightedQuantile(xs, 0.2)).toBe(200);
    expect(weightedQuantile([], 0.5)).toBeNull();
    const h = histogram(xs);
    expect(h.find((b) => b.le === 250)!.count).toBe(2);
    expect(h.find((b) => b.le === 1000)!.count).toBe(8);
    expect(h.at(-1)).toEqual({ le: null, count: 0 });
  });
});

describe('MetricEngine', () => {
  it('counts start attempts, startup time, and excludes never-started sessions from startup', () => {
    const m = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStart', 1, { startupMs: 800 }),
      ev('b', 'playbackRequest', 0),
      ev('b', 'playbackStart', 2, { startupMs: 2000, licenceMs: 300, manifestMs: 100 }),
      ev('c', 'playbackRequest', 0),
    ]).snapshot(s(10));
    expect(m.startAttempts).toBe(3);
    expect(m.startup.count).toBe(2);
    expect(m.startup.p50Ms).toBe(800);
    expect(m.startup.p95Ms).toBe(2000);
    expect(m.licenceP50Ms).toBe(300);
    expect(m.viewers).toBe(3);
    expect(m.currentViewers).toBe(2);
    expect(metricValue(m, 'video_start_failure')).toBe(0);
  });

  it('video start failure = fatal before first frame; a failure after start is a playback failure only', () => {
    const err = {
      player: 'hlsjs',
      category: 'keySystemError',
      code: 'keySystemLicenseRequestFailed',
      fatal: true,
      httpStatus: 503,
    };
    const m = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playerError', 1, { error: err }),
      ev('a', 'playbackFail', 1, { error: err }),
      ev('b', 'playbackRequest', 0),
      ev('b', 'playbackStart', 1),
      ev('b', 'playbackFail', 5, { error: { ...err, code: 'fragLoadError' } }),
      ev('c', 'playbackRequest', 0),
      ev('c', 'playbackStart', 1),
      ev('d', 'playbackRequest', 0),
      ev('d', 'playbackStart', 1),
    ]).snapshot(s(10));
    expect(m.startAttempts).toBe(4);
    expect(m.videoStartFailures).toBe(1);
    expect(metricValue(m, 'video_start_failure')).toBe(0.25);
    expect(m.playbackFailures).toBe(2);
    expect(metricValue(m, 'playback_failure')).toBe(0.5);
    expect(m.errors).toEqual([
      expect.objectContaining({
        player: 'hlsjs',
        code: 'keySystemLicenseRequestFailed',
        httpStatus: 503,
        events: 1,
        count: 1,
        pop: 'fra',
      }),
    ]);
  });

  it('exits before video start count only waits of at least 1 s without a fatal error', () => {
    const m = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackExit', 0.5, { reason: 'churn' }),
      ev('b', 'playbackRequest', 0),
      ev('b', 'playbackExit', 6, { reason: 'patience' }),
      ev('c', 'playbackRequest', 0),
      ev('c', 'playbackStart', 1),
      ev('c', 'playbackExit', 5, { reason: 'churn' }),
      ev('d', 'playbackRequest', 0),
    ]).snapshot(s(10));
    expect(m.startAttempts).toBe(4);
    expect(m.exitsBeforeVideoStart).toBe(1);
    expect(metricValue(m, 'exits_before_video_start')).toBe(0.25);
    expect(m.viewers).toBe(1);
  });

  it('ignores startup buffering and buffering while paused; stalled time excludes pauses', () => {
    const e = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStall', 0.5), // startup: not a stall
      ev('a', 'playbackStallEnd', 1),
      ev('a', 'playbackStart', 1),
      ev('a', 'renditionUpdate', 1, { bitrate: 100_000 }),
      ev('a', 'playbackStall', 11),
      ev('a', 'playbackStallEnd', 13),
      ev('a', 'playbackPause', 21),
      ev('a', 'playbackStall', 22), // paused: not a stall
      ev('a', 'playbackResume', 31),
      ev('a', 'renditionUpdate', 31, { bitrate: 300_000 }),
    ]);
    const m = e.snapshot(s(41), { windowMs: 60_000 });
    // watch: 1..21 and 31..41 = 30 s; stall 2 s
    expect(m.stalls).toBe(1);
    expect(m.stallTimeMs).toBe(2000);
    expect(m.watchTimeMs).toBe(30_000);
    expect(metricValue(m, 'rebuffer_ratio')).toBeCloseTo(2 / 30);
    expect(metricValue(m, 'stalls_per_session')).toBe(1);
    // bits: 100k for 18 s of playing (1..21 minus 2 s stall) + 300k for 10 s = 4.8 Mbit over 28 s
    expect(metricValue(m, 'average_bitrate')).toBeCloseTo(4_800_000 / 28);
    expect(m.currentBitrate).toBe(300_000);
  });

  it('counts rebuffering now among current viewers, excluding paused ones and those stuck over 5 minutes', () => {
    const e = feed(new MetricEngine({ staleMs: 3_600_000 }), [
      ...['a', 'b', 'c', 'd', 'e'].flatMap((sid) => [
        ev(sid, 'playbackRequest', 0),
        ev(sid, 'playbackStart', 1),
      ]),
      ev('a', 'playbackStall', 10), // stuck from 10 s on
      ev('b', 'playbackStall', 400), // rebuffering now
      ev('c', 'playbackPause', 300), // paused
      ev('d', 'playbackStall', 100),
      ev('d', 'playbackStallEnd', 105),
    ]);
    const m = e.snapshot(s(410));
    expect(m.viewers).toBe(5);
    expect(m.currentViewers).toBe(3); // b, d, e
    expect(m.rebufferingNow).toBe(1);
    expect(metricValue(m, 'rebuffering_share')).toBeCloseTo(1 / 3);
    // 4.5 minutes in, a is not yet stuck
    const early = e.snapshot(s(280));
    expect(early.currentViewers).toBe(5);
    expect(early.rebufferingNow).toBe(1);
  });

  it('multiplies counts and durations by weights', () => {
    const m = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0, undefined, {}, 1000),
      ev('a', 'playbackStart', 1, { startupMs: 1000 }, {}, 1000),
      ev('a', 'playbackStall', 5, undefined, {}, 1000),
      ev('b', 'playbackRequest', 0, undefined, {}, 3000),
      ev('b', 'playbackStart', 1, { startupMs: 3000 }, {}, 3000),
      ev('c', 'playbackRequest', 0, undefined, {}, 1000),
      ev('c', 'playbackFail', 2, undefined, {}, 1000),
    ]).snapshot(s(10));
    expect(m.startAttempts).toBe(5000);
    expect(metricValue(m, 'video_start_failure')).toBe(0.2);
    expect(m.rebufferingNow).toBe(1000);
    expect(metricValue(m, 'rebuffering_share')).toBe(0.25);
    expect(m.startup.p50Ms).toBe(3000); // 3000 of 4000 weight at 3 s
    expect(m.stalls).toBe(1000);
    expect(m.realSessions).toBe(3);
  });

  it('slices by any label, attributing time to the CDN/POP in use at each moment', () => {
    const e = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStart', 1),
      ev('a', 'playbackStall', 10),
      ev('a', 'playbackStallEnd', 14),
      // steering moves a to cdn-b
      ev('a', 'pathwayChange', 20, { from: 'cdn-a', to: 'cdn-b' }, { cdn: 'cdn-b', pop: 'ams' }),
      ev('b', 'playbackRequest', 0, undefined, { region: 'na', isp: 'na-cable', cdn: 'cdn-a', pop: 'iad' }),
      ev('b', 'playbackStart', 1, undefined, { region: 'na', isp: 'na-cable', cdn: 'cdn-a', pop: 'iad' }),
    ]);
    const at = s(41);
    const byCdn = e.slice('cdn', at);
    expect(Object.keys(byCdn)).toEqual(['cdn-a', 'cdn-b']);
    expect(byCdn['cdn-a']!.stalls).toBe(1);
    expect(byCdn['cdn-a']!.stallTimeMs).toBe(4000);
    expect(byCdn['cdn-a']!.watchTimeMs).toBe(19_000 + 40_000); // a 1..20, b 1..41
    expect(byCdn['cdn-b']!.stalls).toBe(0);
    expect(byCdn['cdn-b']!.watchTimeMs).toBe(21_000);
    expect(byCdn['cdn-b']!.currentViewers).toBe(1);
    expect(byCdn['cdn-a']!.currentViewers).toBe(1);
    const emeaFra = e.snapshot(at, { filter: { region: 'emea', pop: 'fra' } });
    expect(emeaFra.stalls).toBe(1);
    expect(emeaFra.currentViewers).toBe(0);
    const na = e.snapshot(at, { filter: { region: ['na'] } });
    expect(na.stalls).toBe(0);
    expect(na.startAttempts).toBe(1);
    expect(e.slice('region', at).emea!.startAttempts).toBe(1);
  });

  it('keeps a stall with the pathway where it began when the player moves mid-stall', () => {
    const e = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStart', 1),
      ev('a', 'playbackStall', 10),
      ev('a', 'pathwayChange', 14, { from: 'cdn-a', to: 'cdn-b' }, { cdn: 'cdn-b', pop: 'ams' }),
      ev('a', 'playbackStallEnd', 16, undefined, { cdn: 'cdn-b', pop: 'ams' }),
    ]);
    const at = s(21);
    const a = e.snapshot(at, { filter: { cdn: 'cdn-a' } });
    const b = e.snapshot(at, { filter: { cdn: 'cdn-b' } });
    expect(a.stallTimeMs).toBe(6000);
    expect(a.watchTimeMs).toBe(15_000); // 1..16
    expect(b.stallTimeMs).toBe(0);
    expect(b.watchTimeMs).toBe(5000); // 16..21
    expect(a.watchTimeMs + b.watchTimeMs).toBe(e.snapshot(at).watchTimeMs);
    // while still stalled after the move, the viewer rebuffers "on" cdn-a
    const mid = s(15);
    expect(e.snapshot(mid, { filter: { cdn: 'cdn-a' } }).rebufferingNow).toBe(1);
    expect(e.snapshot(mid, { filter: { cdn: 'cdn-b' } }).viewers).toBe(0);
  });

  it('computes over a sliding window', () => {
    const e = feed(new MetricEngine({ windowMs: 30_000 }), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStart', 1, { startupMs: 1000 }),
      ev('a', 'playbackStall', 5),
      ev('a', 'playbackStallEnd', 7),
      ev('b', 'playbackRequest', 50),
      ev('b', 'playbackFail', 51),
      ev('a', 'heartbeat', 60),
    ]);
    const early = e.snapshot(s(20));
    expect(early.stalls).toBe(1);
    expect(early.startAttempts).toBe(1);
    const late = e.snapshot(s(60));
    expect(late.stalls).toBe(0);
    expect(late.stallTimeMs).toBe(0);
    expect(late.watchTimeMs).toBe(30_000);
    expect(late.startAttempts).toBe(1);
    expect(metricValue(late, 'video_start_failure')).toBe(1);
    expect(late.startup.count).toBe(0);
    // a longer window on demand
    expect(e.snapshot(s(60), { windowMs: 120_000 }).stalls).toBe(1);
  });

  it('treats silent sessions as ended at their last event, and prunes old ones', () => {
    const e = feed(new MetricEngine({ staleMs: 30_000, retentionMs: 120_000 }), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStart', 1),
      ev('a', 'heartbeat', 10),
    ]);
    expect(e.snapshot(s(30)).viewers).toBe(1);
    expect(e.snapshot(s(50)).viewers).toBe(0);
    e.prune(s(500));
    expect(e.sessions()).toHaveLength(0);
  });

  it('starts a new session on a new request for the same id, and ignores late events of an ended one', () => {
    const e = feed(new MetricEngine(), [
      ev('a', 'playbackRequest', 0),
      ev('a', 'playbackStart', 1),
      ev('a', 'playbackExit', 5, { reason: 'churn' }),
      ev('a', 'playbackStall', 6),
      ev('a', 'playbackRequest', 8),
      ev('a', 'playbackStart', 9),
    ]);
    const m = e.snapshot(s(10));
    expect(m.startAttempts).toBe(2);
    expect(m.stalls).toBe(0);
    expect(m.viewers).toBe(1);
    expect(e.sessions()).toHaveLength(2);
  });
});
