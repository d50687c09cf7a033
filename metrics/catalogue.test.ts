/**
 * The catalogue is the one definition: its Prometheus names are well formed and unique, a ratio
 * is its numerator over its denominator (as the catalogue names them), the engines agree with it,
 * and the docs' tables are what it generates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionEvent, SessionLabels } from '../core/events.ts';
import {
  HISTOGRAMS,
  IMPACT_METRICS,
  METRIC_IDS,
  METRICS,
  type MetricDef,
  type MetricId,
  metricValue,
} from './catalogue.ts';
import { GENERATED_DOCS, withGenerated } from './catalogue-docs.ts';
import { MetricEngine } from './engine.ts';

const ROOT = join(import.meta.dirname, '..');
const defs = METRICS as readonly MetricDef[];

const labels = (cdn: string): SessionLabels => ({
  region: 'emea',
  isp: 'eu-telco',
  device: 'tv',
  player: 'hlsjs',
  playerVersion: '1.7.4',
  channel: 'news',
  variant: 'clear',
  drm: 'clear',
  cdn,
  pop: 'fra',
});
const ev = (
  sid: string,
  type: SessionEvent['type'],
  s: number,
  data?: SessionEvent['data'],
  cdn = 'cdn-a',
): SessionEvent => ({
  sid,
  type,
  t: 1_000_000 + s * 1000,
  labels: labels(cdn),
  weight: 3,
  ...(data ? { data } : {}),
});

/** A minute with starts, a failure, an exit, stalls and renditions: every metric has a value. */
function snapshot() {
  const e = new MetricEngine();
  const events: SessionEvent[] = [
    ev('a', 'playbackRequest', 1),
    ev('a', 'playbackStart', 2, { startupMs: 1000, licenceMs: 200, manifestMs: 300 }),
    ev('a', 'renditionUpdate', 2, { bitrate: 2_000_000 }),
    ev('a', 'playbackStall', 20),
    ev('a', 'playbackStallEnd', 23),
    ev('b', 'playbackRequest', 5),
    ev('b', 'playbackStart', 8, { startupMs: 3000 }),
    ev('b', 'renditionUpdate', 8, { bitrate: 800_000 }),
    ev('b', 'playbackStall', 50, undefined, 'cdn-b'),
    ev('c', 'playbackRequest', 10),
    ev('c', 'playbackFail', 12, { error: { player: 'hlsjs', category: 'network', code: 'x', fatal: true } }),
    ev('d', 'playbackRequest', 15),
    ev('d', 'playbackExit', 25, { reason: 'patience' }),
  ];
  for (const x of events) e.ingest(x);
  return e.snapshot(1_000_000 + 55_000, { windowMs: 60_000 });
}

describe('the metric catalogue', () => {
  it('has unique ids and well-formed, unique Prometheus names (counters end in _total, gauges do not)', () => {
    expect(new Set(METRIC_IDS).size).toBe(METRIC_IDS.length);
    const names = [
      ...defs.flatMap((m) => [m.gauge?.name, m.counter?.name]).filter((n) => n !== undefined),
      ...HISTOGRAMS.map((h) => h.name),
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const m of defs) {
      if (m.gauge) expect(m.gauge.name).toMatch(/^streamdrill_qoe_[a-z0-9_]+[a-z0-9]$/);
      if (m.gauge) expect(m.gauge.name).not.toMatch(/_(total|count|sum|bucket)$/);
      if (m.counter) expect(m.counter.name).toMatch(/^streamdrill_qoe_[a-z0-9_]+_total$/);
      // Only what adds up over time can be a counter.
      if (m.counter) expect(m.aggregation.kind).toBe('sum');
      if (m.unit === 'seconds' && m.gauge) expect(m.gauge.name).toMatch(/_seconds$/);
      if (m.unit === 'seconds' && m.counter) expect(m.counter.name).toMatch(/_seconds_total$/);
      // An SLO's error budget is a share of bad events or bad time.
      if (m.slo) expect([m.unit, m.aggregation.kind], m.id).toEqual(['ratio', 'ratio']);
    }
  });

  it('defines every ratio as its numerator over its denominator', () => {
    const m = snapshot();
    let checked = 0;
    for (const def of defs) {
      const a = def.aggregation;
      const ids = METRIC_IDS as readonly string[];
      if (a.kind !== 'ratio' || !ids.includes(a.numerator) || !ids.includes(a.denominator)) continue;
      const num = metricValue(m, a.numerator as MetricId)!;
      const den = metricValue(m, a.denominator as MetricId)!;
      expect(den, def.id).toBeGreaterThan(0);
      expect(def.value(m), def.id).toBeCloseTo(num / den, 12);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('gives every metric a value in its unit on a busy minute', () => {
    const m = snapshot();
    for (const def of defs) expect(def.value(m), def.id).not.toBeNull();
    expect(metricValue(m, 'start_attempts')).toBe(12);
    expect(metricValue(m, 'video_start_failure')).toBe(0.25);
    expect(metricValue(m, 'exits_before_video_start')).toBe(0.25);
    expect(metricValue(m, 'startup_time_p50')).toBe(1);
    expect(metricValue(m, 'rebuffering_share')).toBe(0.5);
    // Ratios stay within 0..1; percent is only for print.
    for (const def of defs) if (def.unit === 'ratio') expect(def.value(m)!, def.id).toBeLessThanOrEqual(1);
  });

  it('journals the impact figures in a fixed key order', () => {
    expect(IMPACT_METRICS.map((m) => m.impact)).toEqual([
      'viewers',
      'rebufferingShare',
      'rebufferRatio',
      'startFailureShare',
      'startAttempts',
      'videoStartFailureShare',
      'exitsBeforeStartShare',
      'playbackFailureShare',
      'affectedShare',
    ]);
  });

  it('is what docs/metrics.md and docs/prometheus.md show (npm run docs)', () => {
    for (const { file, marker, text } of GENERATED_DOCS) {
      const doc = readFileSync(join(ROOT, file), 'utf8');
      expect(doc, `${file} is stale: run npm run docs`).toBe(withGenerated(doc, marker, text()));
    }
  });
});
