import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import type { SessionEvent } from '../core/events.ts';
import { MemoryJournal } from '../core/journal.ts';
import { metricValue } from '../metrics/catalogue.ts';
import { promtoolCheckMetrics } from '../test/support/promtool.ts';
import { Collector, parseWindow, summaryLine } from './collector.ts';

const labels: SessionEvent['labels'] = {
  region: 'emea',
  isp: 'eu-telco',
  device: 'tv',
  player: 'shaka',
  playerVersion: 'v5.2.12',
  channel: 'news',
  variant: 'enc',
  drm: 'playready',
  cdn: 'cdn-a',
  pop: 'fra',
};

let collector: Collector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

const ev = (
  sid: string,
  type: SessionEvent['type'],
  t: number,
  extra: Partial<SessionEvent> = {},
): SessionEvent => ({
  sid,
  type,
  t,
  labels,
  weight: 10,
  ...extra,
});

describe('collector', () => {
  it('re-stamps page times on its clock, journals every event and serves windowed metrics', async () => {
    const clock = new VirtualClock();
    const journal = new MemoryJournal();
    collector = await Collector.create({ clock, journal, sampleEveryMs: 5000, journalReorderMs: 0 });
    const page = 1_000_000; // the page's own clock, far from the collector's
    clock.advanceBy(10_000);
    journal.events.length = 0;
    const res = await collector.app.inject({
      method: 'POST',
      url: '/beacon',
      payload: {
        sentAt: page + 2000,
        events: [
          ev('a', 'playbackRequest', page),
          ev('a', 'playbackStart', page + 500, { data: { startupMs: 500 } }),
          ev('a', 'playbackStall', page + 1500),
        ],
      },
    });
    expect(res.statusCode).toBe(204);
    expect(journal.events.map((e) => [e.type, e.t - clock.now()])).toEqual([
      ['session.playbackRequest', -2000],
      ['session.playbackStart', -1500],
      ['session.playbackStall', -500],
    ]);
    expect(journal.events[1]).toMatchObject({ v: 1, sid: 'a', weight: 10, labels, data: { startupMs: 500 } });

    const json = (await collector.app.inject({ url: '/metrics.json' })).json();
    expect(json.overall).toMatchObject({
      startAttempts: 10,
      currentViewers: 10,
      rebufferingNow: 10,
    });
    expect(metricValue(json.overall, 'rebuffering_share')).toBe(1);
    expect(json.by.pop['cdn-a/fra'].stalls).toBe(10);
    expect(Object.keys(json.by)).toEqual(['region', 'cdn', 'pop', 'isp', 'device', 'player']);
    const byPop = (await collector.app.inject({ url: '/metrics.json?by=pop&region=emea&window=30s' })).json();
    expect(byPop.windowMs).toBe(30_000);
    expect(byPop.slices.fra.stalls).toBe(10);
    expect(
      (await collector.app.inject({ url: '/metrics.json?region=na' })).json().metrics.startAttempts,
    ).toBe(0);
    expect((await collector.app.inject({ url: '/metrics.json?window=soon' })).statusCode).toBe(400);
    expect((await collector.app.inject({ url: '/metrics.json?by=colour' })).statusCode).toBe(400);

    clock.advanceBy(5000);
    const sample = journal.events.findLast((e) => e.type === 'metrics.sample') as unknown as {
      overall: { stalls: number };
      by: { cdn: Record<string, { stalls: number; startup: object }> };
    };
    expect(sample.overall.stalls).toBe(10);
    expect(sample.by.cdn['cdn-a']!.stalls).toBe(10);
    expect(sample.by.cdn['cdn-a']!.startup).not.toHaveProperty('histogram');
  });

  it('holds journal lines for the reorder delay and writes them in time order', async () => {
    const clock = new VirtualClock();
    const journal = new MemoryJournal();
    collector = await Collector.create({ clock, journal, sampleEveryMs: 0, journalReorderMs: 2000 });
    const t = clock.now();
    collector.ingest([ev('b', 'playbackRequest', t - 100)]);
    collector.ingest([ev('a', 'playbackRequest', t - 900)]);
    expect(journal.events).toEqual([]);
    clock.advanceBy(2500);
    const sids = () => journal.events.map((e) => ('sid' in e ? e.sid : e.type));
    expect(sids()).toEqual(['a', 'b']);
    collector.ingest([ev('c', 'playbackRequest', clock.now())]);
    await collector.close();
    expect(sids()).toEqual(['a', 'b', 'c']);
  });

  it('rejects malformed beacons with a message naming the field', async () => {
    collector = await Collector.create({ clock: new VirtualClock() });
    const bad = await collector.app.inject({
      method: 'POST',
      url: '/beacon',
      payload: { events: [{ ...ev('a', 'playbackRequest', 1), type: 'playbackExplode' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/events\.0\.type/);
    const text = await collector.app.inject({
      method: 'POST',
      url: '/beacon',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ events: [ev('a', 'playbackRequest', 1)] }),
    });
    expect(text.statusCode).toBe(204);
  });

  it('exposes the catalogue: gauges overall and per slice, counters, a startup histogram; promtool accepts it', async () => {
    const clock = new VirtualClock();
    collector = await Collector.create({ clock });
    const t = clock.now();
    collector.ingest([
      ev('a', 'playbackRequest', t),
      ev('a', 'playerError', t, {
        data: { error: { player: 'shaka', category: '6', code: '6007', fatal: true, httpStatus: 503 } },
      }),
      ev('a', 'playbackFail', t, {
        data: { error: { player: 'shaka', category: '6', code: '6007', fatal: true } },
      }),
      ev('b', 'playbackRequest', t - 3000, {
        labels: { ...labels, region: 'na', pop: 'iad', device: 'desktop' },
      }),
      ev('b', 'playbackStart', t - 1200, {
        labels: { ...labels, region: 'na', pop: 'iad', device: 'desktop' },
        data: { startupMs: 1800 },
      }),
    ]);
    clock.advanceBy(1000);
    const text = (await collector.app.inject({ url: '/metrics' })).body;
    // The windowed gauges: the whole population without labels, a slice with exactly its label.
    expect(text).toContain('\nstreamdrill_qoe_video_start_failure_ratio 0.5\n');
    expect(text).toContain('\nstreamdrill_qoe_video_start_failure_ratio{device="tv"} 1\n');
    expect(text).toContain('\nstreamdrill_qoe_video_start_failure_ratio{region="na"} 0\n');
    expect(text).not.toContain('"all"');
    // Counters since the start and the histogram carry every slice label.
    const a = 'region="emea",cdn="cdn-a",pop="fra",isp="eu-telco",device="tv",player="shaka"';
    const b = 'region="na",cdn="cdn-a",pop="iad",isp="eu-telco",device="desktop",player="shaka"';
    expect(text).toContain(`streamdrill_qoe_start_attempts_total{${a}} 10`);
    expect(text).toContain(`streamdrill_qoe_start_failures_total{${a}} 10`);
    expect(text).toContain(`streamdrill_qoe_watched_seconds_total{${b}} 22`);
    expect(text).toContain(`streamdrill_qoe_startup_seconds_bucket{le="1",${b}} 0`);
    expect(text).toContain(`streamdrill_qoe_startup_seconds_bucket{le="2",${b}} 1`);
    expect(text).toContain(`streamdrill_qoe_startup_seconds_sum{${b}} 1.8`);
    expect(text).toContain(
      'streamdrill_player_errors_total{player="shaka",category="6",code="6007",fatal="true",device="tv",isp="eu-telco",cdn="cdn-a",pop="fra"} 1',
    );
    expect(text).toContain('streamdrill_session_events_total{type="playbackFail"} 1');
    expect(summaryLine(collector.report().overall)).toMatch(/VSF 50\.0%/);
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, problems: '' });
  });

  it('serves the built page and streams live metrics over SSE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-page-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><p>page</p>');
    collector = await Collector.start({ clock: new VirtualClock(), pageDir: dir });
    const page = await fetch(collector.pageUrl);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('page');
    expect((await fetch(`${collector.url}/player/../collector.ts`)).status).toBeGreaterThanOrEqual(400);
    const ctrl = new AbortController();
    const res = await fetch(`${collector.url}/events`, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^event: metrics\ndata: \{.*"summary":"viewers 0/);
    collector.ingest([ev('s', 'playbackRequest', 1)]);
    const next = new TextDecoder().decode((await reader.read()).value);
    expect(next).toMatch(/^event: session\ndata: \{"sid":"s"/);
    ctrl.abort();
  });

  it('parses window durations', () => {
    expect(parseWindow('90')).toBe(90_000);
    expect(parseWindow('2m')).toBe(120_000);
    expect(parseWindow('500ms')).toBe(500);
    expect(parseWindow('x')).toBeUndefined();
  });
});
