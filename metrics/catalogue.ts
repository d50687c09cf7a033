/**
 * The metric catalogue: every QoE metric streamdrill reports, defined once. An entry says what the
 * metric means, its CTA-2066 name where there is one, its unit (ratios are 0..1 everywhere inside
 * streamdrill; percent only when printed), how it combines over slices and over windows, how it is
 * computed from the engine's primitives (the weighted counts, times and order statistics of
 * {@link QoeMetrics}), and its Prometheus name, type and help. Alert rules, scenario checks, the
 * metric source, impact samples, the console, reports, the collector's live `/metrics`, the
 * Prometheus export and docs/metrics.md (generated from here) all read this module.
 *
 * Adding a metric built from existing primitives is one entry in {@link METRICS}.
 */
import { z } from 'zod';
import { LABEL_KEYS, type QoeMetrics } from './engine.ts';
import { STARTUP_BUCKETS_MS } from './quantiles.ts';

export type Unit = 'ratio' | 'seconds' | 'bits/s' | 'viewers' | 'sessions' | 'count' | 'per session';

/**
 * How a metric combines. `sum`: counts and durations add over slices and over windows (a
 * Prometheus counter holds them). `ratio`: a sum over a sum — combine the parts, never average the
 * ratios. `now`: a gauge at the end of the window — adds over slices, averages over time.
 * `quantile` and `mean`: order statistics of the observations — recompute from the histogram.
 */
export type Aggregation =
  | { kind: 'sum' }
  | { kind: 'now' }
  | { kind: 'ratio'; numerator: string; denominator: string }
  | { kind: 'quantile'; q: number }
  | { kind: 'mean' };

export interface PromSeries {
  /** Prometheus metric name. */
  name: string;
  help: string;
}

export interface MetricDef {
  id: string;
  title: string;
  /** What it measures, one sentence (docs/metrics.md). */
  meaning: string;
  /** The CTA-2066 (or analytics vendors') name, where there is one. */
  source?: string;
  /** Where streamdrill's definition differs from the source. */
  differs?: string;
  unit: Unit;
  aggregation: Aggregation;
  /** The value over a window from the engine's primitives, in `unit`; null when undefined (no denominator). */
  value: (m: QoeMetrics) => number | null;
  /**
   * The field of the journal's `impact.sample` figures (and result.json series) carrying it (null
   * read as 0). The figures' keys follow this catalogue's order: reordering entries changes journals.
   */
  impact?: string;
  /** The windowed gauge (last minute), one series per slice (one slice label) and one without labels. */
  gauge?: PromSeries;
  /** The total since the run began (`sum` metrics), one series per label combination of the slice labels. */
  counter?: PromSeries;
  /** A share of bad events or bad time, so an SLO can be set on it (its error budget is 1 − target). */
  slo?: true;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/**
 * Every metric, in documentation order. The figures journaled in impact samples (the entries with
 * `impact`) come first, in the order of their keys in the journal.
 */
export const METRICS = [
  {
    id: 'current_viewers',
    title: 'Current viewers',
    meaning:
      'Sessions watching at the end of the window: started, not ended, not paused, not stuck in one stall for over 5 minutes.',
    source: 'Mux concurrent viewers',
    differs: 'sessions silent for over 60 s count as ended at their last event',
    unit: 'viewers',
    aggregation: { kind: 'now' },
    value: (m) => m.currentViewers,
    impact: 'viewers',
    gauge: {
      name: 'streamdrill_qoe_current_viewers',
      help: 'Current viewers: started, not paused, not stuck rebuffering over 5 min (weighted: the population the run stands for).',
    },
  },
  {
    id: 'rebuffering_share',
    title: 'Rebuffering now',
    meaning: 'Current viewers rebuffering at the end of the window / current viewers.',
    source: 'Mux current rebuffering (the page-at-5% alert)',
    differs: 'a viewer stalled now counts against the CDN/POP where its stall began',
    unit: 'ratio',
    aggregation: { kind: 'ratio', numerator: 'rebuffering_viewers', denominator: 'current_viewers' },
    value: (m) => ratio(m.rebufferingNow, m.currentViewers),
    impact: 'rebufferingShare',
    gauge: {
      name: 'streamdrill_qoe_rebuffering_share',
      help: 'Share of current viewers rebuffering now (0..1).',
    },
  },
  {
    id: 'rebuffer_ratio',
    title: 'Rebuffer ratio (stalled time)',
    meaning:
      'Stall time / watch time in the window; watch time runs from the first frame, pauses excluded, stalls included.',
    source: 'CTA-2066 Stalled Time Percentage, Mux Rebuffer Percentage',
    differs:
      "Mux's watch time also counts startup time; ours starts at the first frame (Conviva's rebuffering ratio), so startup problems show in startup time, VSF and EBVS",
    slo: true,
    unit: 'ratio',
    aggregation: { kind: 'ratio', numerator: 'stalled_time', denominator: 'watch_time' },
    value: (m) => ratio(m.stallTimeMs, m.watchTimeMs),
    impact: 'rebufferRatio',
    gauge: {
      name: 'streamdrill_qoe_rebuffer_ratio',
      help: 'Stalled time / watch time over the last minute (0..1).',
    },
  },
  {
    id: 'start_failure',
    title: 'Start failure (VSF + EBVS)',
    meaning:
      'Start attempts in the window that failed or were abandoned before the first frame / start attempts.',
    unit: 'ratio',
    aggregation: { kind: 'ratio', numerator: 'failed_starts', denominator: 'start_attempts' },
    value: (m) => ratio(m.videoStartFailures + m.exitsBeforeVideoStart, m.startAttempts),
    impact: 'startFailureShare',
    gauge: {
      name: 'streamdrill_qoe_start_failure_share',
      help: 'Share of start attempts in the last minute that failed or were abandoned (VSF + EBVS).',
    },
  },
  {
    id: 'start_attempts',
    title: 'Start attempts',
    meaning: 'Sessions whose playbackRequest falls in the window.',
    source: 'CTA-2066 sessions, Mux views',
    unit: 'sessions',
    aggregation: { kind: 'sum' },
    value: (m) => m.startAttempts,
    impact: 'startAttempts',
    gauge: {
      name: 'streamdrill_qoe_start_attempts',
      help: 'Start attempts in the last minute (weighted).',
    },
    counter: {
      name: 'streamdrill_qoe_start_attempts_total',
      help: 'Start attempts since the run began (weighted).',
    },
  },
  {
    id: 'video_start_failure',
    title: 'Video start failure (VSF)',
    meaning: 'Start attempts that ended with a fatal error before the first frame / start attempts.',
    source: 'Mux/Conviva Video Start Failure; CTA-2066 playbackFailed before start',
    differs:
      'attributed to the window of the request, so an attempt still starting counts in the denominator',
    slo: true,
    unit: 'ratio',
    aggregation: { kind: 'ratio', numerator: 'start_failures', denominator: 'start_attempts' },
    value: (m) => ratio(m.videoStartFailures, m.startAttempts),
    impact: 'videoStartFailureShare',
    gauge: {
      name: 'streamdrill_qoe_video_start_failure_ratio',
      help: 'Share of start attempts in the last minute that ended in a fatal error before the first frame.',
    },
  },
  {
    id: 'exits_before_video_start',
    title: 'Exits before video start (EBVS)',
    meaning:
      'Start attempts that ended before the first frame without a fatal error, after waiting at least 1 s / start attempts.',
    source: 'Mux Exits Before Video Start (waits >= 1 s)',
    differs: 'our viewers leave when their patience runs out (default 15 s) or when they churn',
    slo: true,
    unit: 'ratio',
    aggregation: { kind: 'ratio', numerator: 'exits_before_start', denominator: 'start_attempts' },
    value: (m) => ratio(m.exitsBeforeVideoStart, m.startAttempts),
    impact: 'exitsBeforeStartShare',
    gauge: {
      name: 'streamdrill_qoe_exits_before_video_start_ratio',
      help: 'Share of start attempts in the last minute abandoned before the first frame (no error).',
    },
  },
  {
    id: 'playback_failure',
    title: 'Playback failure',
    meaning:
      'Sessions that failed (fatal error, before or after the start) in the window / sessions active in the window.',
    source: 'CTA-2066 Playback Failure Percentage',
    differs: 'the denominator is sessions active in the window, not sessions that ended',
    slo: true,
    unit: 'ratio',
    aggregation: { kind: 'ratio', numerator: 'playback_failures', denominator: 'sessions' },
    value: (m) => ratio(m.playbackFailures, m.sessions),
    impact: 'playbackFailureShare',
    gauge: {
      name: 'streamdrill_qoe_playback_failure_ratio',
      help: 'Share of sessions in the last minute that ended in a fatal error.',
    },
  },
  {
    id: 'affected_share',
    title: 'Affected viewers',
    meaning:
      'Viewers rebuffering now, whose start failed or whose playback broke in the window / everyone watching or trying to (the severity grid figure).',
    unit: 'ratio',
    aggregation: {
      kind: 'ratio',
      numerator: 'affected viewers',
      denominator: 'current viewers + failed starts + playback failures',
    },
    value: (m) => {
      const failedStarts = m.videoStartFailures + m.exitsBeforeVideoStart;
      const broken = m.playbackFailures;
      const population = m.currentViewers + failedStarts + broken;
      return ratio(m.rebufferingNow + failedStarts + broken, population);
    },
    impact: 'affectedShare',
    gauge: {
      name: 'streamdrill_qoe_affected_share',
      help: 'Share of viewers affected: rebuffering now, failing to start or failing (the severity grid figure).',
    },
  },
  {
    id: 'viewers',
    title: 'Viewers',
    meaning:
      'Active sessions at the end of the window: requested and not ended, those still starting included.',
    source: 'CTA-2066 sessions',
    unit: 'viewers',
    aggregation: { kind: 'now' },
    value: (m) => m.viewers,
    gauge: {
      name: 'streamdrill_qoe_viewers',
      help: 'Active sessions (requested, not ended; weighted).',
    },
  },
  {
    id: 'rebuffering_viewers',
    title: 'Viewers rebuffering now',
    meaning: 'Current viewers in a stall at the end of the window.',
    unit: 'viewers',
    aggregation: { kind: 'now' },
    value: (m) => m.rebufferingNow,
  },
  {
    id: 'sessions',
    title: 'Sessions',
    meaning: 'Sessions active at any time in the window.',
    unit: 'sessions',
    aggregation: { kind: 'now' },
    value: (m) => m.sessions,
  },
  {
    id: 'start_failures',
    title: 'Video start failures',
    meaning: 'Start attempts in the window that ended with a fatal error before the first frame.',
    unit: 'sessions',
    aggregation: { kind: 'sum' },
    value: (m) => m.videoStartFailures,
    counter: {
      name: 'streamdrill_qoe_start_failures_total',
      help: 'Start attempts that ended in a fatal error before the first frame, since the run began (weighted).',
    },
  },
  {
    id: 'exits_before_start',
    title: 'Exits before video start',
    meaning:
      'Start attempts in the window abandoned before the first frame without an error, after at least 1 s.',
    unit: 'sessions',
    aggregation: { kind: 'sum' },
    value: (m) => m.exitsBeforeVideoStart,
    counter: {
      name: 'streamdrill_qoe_exits_before_start_total',
      help: 'Start attempts abandoned before the first frame, since the run began (weighted).',
    },
  },
  {
    id: 'failed_starts',
    title: 'Failed starts',
    meaning: 'Video start failures and exits before video start in the window.',
    unit: 'sessions',
    aggregation: { kind: 'sum' },
    value: (m) => m.videoStartFailures + m.exitsBeforeVideoStart,
  },
  {
    id: 'playback_failures',
    title: 'Playback failures',
    meaning: 'Sessions that ended in a fatal error in the window, before or after the start.',
    unit: 'sessions',
    aggregation: { kind: 'sum' },
    value: (m) => m.playbackFailures,
    counter: {
      name: 'streamdrill_qoe_playback_failures_total',
      help: 'Sessions that ended in a fatal error, since the run began (weighted).',
    },
  },
  {
    id: 'startup_time_p50',
    title: 'Startup time p50',
    meaning:
      'Median of first frame − request over the sessions that started in the window (weighted nearest rank).',
    source: 'CTA-2066 initialStartupTime',
    differs: 'sessions that never started are excluded (CTA-2066)',
    unit: 'seconds',
    aggregation: { kind: 'quantile', q: 0.5 },
    value: (m) => seconds(m.startup.p50Ms),
    gauge: {
      name: 'streamdrill_qoe_startup_time_p50_seconds',
      help: 'Median startup time of starts in the last minute (seconds).',
    },
  },
  {
    id: 'startup_time_p95',
    title: 'Startup time p95',
    meaning: '95th percentile of first frame − request over the sessions that started in the window.',
    source: 'CTA-2066 initialStartupTime',
    unit: 'seconds',
    aggregation: { kind: 'quantile', q: 0.95 },
    value: (m) => seconds(m.startup.p95Ms),
    gauge: {
      name: 'streamdrill_qoe_startup_time_p95_seconds',
      help: '95th percentile startup time of starts in the last minute (seconds).',
    },
  },
  {
    id: 'startup_time_mean',
    title: 'Average startup time',
    meaning: 'Mean of first frame − request over the sessions that started in the window (weighted).',
    source: 'CTA-2066 initialStartupTime, averaged (Mux/Conviva average startup time)',
    differs: 'sessions that never started are excluded (CTA-2066)',
    unit: 'seconds',
    aggregation: { kind: 'mean' },
    value: (m) => seconds(m.startup.meanMs),
    gauge: {
      name: 'streamdrill_qoe_startup_time_average_seconds',
      help: 'Average startup time of starts in the last minute (seconds).',
    },
  },
  {
    id: 'licence_time_p50',
    title: 'Licence time p50',
    meaning:
      'Median duration of the licence request that succeeded, over the starts in the window (a harness extra).',
    unit: 'seconds',
    aggregation: { kind: 'quantile', q: 0.5 },
    value: (m) => seconds(m.licenceP50Ms),
  },
  {
    id: 'manifest_time_p50',
    title: 'Manifest time p50',
    meaning:
      'Median time from the request to the multivariant playlist/MPD loaded, over the starts in the window (a harness extra).',
    unit: 'seconds',
    aggregation: { kind: 'quantile', q: 0.5 },
    value: (m) => seconds(m.manifestP50Ms),
  },
  {
    id: 'average_bitrate',
    title: 'Average bitrate',
    meaning:
      'Bits played / media time played in the window: the bitrate of the variant in use integrated over playing time (stalls and pauses excluded).',
    source: 'CTA-2066 Average Playback Bitrate',
    differs:
      'from renditionUpdates rather than bytes downloaded; heartbeat.bitsPlayed carries the same figure per session',
    unit: 'bits/s',
    aggregation: { kind: 'ratio', numerator: 'bits played', denominator: 'playing time' },
    value: (m) => (m.playTimeMs > 0 ? m.bitsPlayed / (m.playTimeMs / 1000) : null),
    gauge: {
      name: 'streamdrill_qoe_average_bitrate_bps',
      help: 'Average playback bitrate over the last minute (bits per second).',
    },
  },
  {
    id: 'current_bitrate',
    title: 'Current bitrate',
    meaning: 'Mean bitrate of the variants current viewers play at the end of the window.',
    unit: 'bits/s',
    aggregation: { kind: 'now' },
    value: (m) => m.currentBitrate,
  },
  {
    id: 'stalls',
    title: 'Stalls',
    meaning:
      'Stall starts in the window (startup buffering, seeks and buffering while paused are not stalls).',
    source: 'CTA-2066 stall count',
    unit: 'count',
    aggregation: { kind: 'sum' },
    value: (m) => m.stalls,
    counter: {
      name: 'streamdrill_qoe_stalls_total',
      help: 'Stall starts since the run began (weighted).',
    },
  },
  {
    id: 'stalls_per_session',
    title: 'Stalls per session',
    meaning: 'Stall starts in the window / sessions that watched in the window.',
    source: 'CTA-2066 Average Stall Count',
    unit: 'per session',
    aggregation: { kind: 'ratio', numerator: 'stalls', denominator: 'sessions that watched' },
    value: (m) => ratio(m.stalls, m.watchingSessions),
    gauge: {
      name: 'streamdrill_qoe_stalls_per_session',
      help: 'Average stall count per session that watched in the last minute.',
    },
  },
  {
    id: 'stalled_time',
    title: 'Stalled time',
    meaning: 'Time spent stalled after the first frame in the window (viewer-seconds, weighted).',
    unit: 'seconds',
    aggregation: { kind: 'sum' },
    value: (m) => m.stallTimeMs / 1000,
    counter: {
      name: 'streamdrill_qoe_stalled_seconds_total',
      help: 'Viewer-seconds stalled since the run began (weighted).',
    },
  },
  {
    id: 'watch_time',
    title: 'Watch time',
    meaning:
      'Time watched in the window: from the first frame on, pauses excluded, stalls included (viewer-seconds, weighted).',
    unit: 'seconds',
    aggregation: { kind: 'sum' },
    value: (m) => m.watchTimeMs / 1000,
    counter: {
      name: 'streamdrill_qoe_watched_seconds_total',
      help: 'Viewer-seconds watched (playing or stalled) since the run began (weighted).',
    },
  },
] as const satisfies readonly MetricDef[];

export type MetricId = (typeof METRICS)[number]['id'];
export const METRIC_IDS = METRICS.map((m) => m.id) as unknown as readonly [MetricId, ...MetricId[]];

const byId = new Map<string, MetricDef>(METRICS.map((m) => [m.id, m]));

/** The catalogue entry of a metric id. */
export function metric(id: MetricId): MetricDef {
  return byId.get(id)!;
}

/** A metric's value over a snapshot's window, in its unit (ratios 0..1); null when undefined. */
export function metricValue(m: QoeMetrics, id: MetricId): number | null {
  return byId.get(id)!.value(m);
}

/** The metrics an SLO can be set on (shares of bad events or bad time). */
export const SLO_METRIC_IDS = METRICS.filter((m) => 'slo' in m).map((m) => m.id) as unknown as readonly [
  MetricId,
  ...MetricId[],
];

/**
 * What a metric's Prometheus gauge reports for a snapshot: an undefined impact figure (no viewers,
 * no attempts) reads as 0, as in the journal's impact samples and so in their export; any other
 * undefined value (no starts: no startup time) is left out.
 */
export function gaugeValue(def: MetricDef, m: QoeMetrics): number | null {
  const v = def.value(m);
  return v === null && def.impact !== undefined ? 0 : v;
}

/** The fields of the journal's impact figures, in their journal order. */
export type ImpactField = Extract<(typeof METRICS)[number], { impact: string }>['impact'];
export const IMPACT_METRICS = METRICS.filter(
  (m): m is Extract<(typeof METRICS)[number], { impact: string }> => 'impact' in m,
);

/** A value printed for people: ratios as percent, seconds, kb/s. `digits` for ratios (default 1). */
export function formatMetric(id: MetricId, v: number | null, digits = 1): string {
  if (v === null || !Number.isFinite(v)) return '-';
  switch (metric(id).unit) {
    case 'ratio':
      return `${(v * 100).toFixed(digits)}%`;
    case 'seconds':
      return `${v.toFixed(1)}s`;
    case 'bits/s':
      return `${Math.round(v / 1000)} kb/s`;
    case 'per session':
      return v.toFixed(2);
    default:
      return String(Math.round(v));
  }
}

/**
 * The slices Prometheus series carry: a windowed gauge has exactly one of these labels (or none,
 * for the whole population); counters and histograms carry all of them. `pop` is the POP location
 * whichever CDN serves it, as in the impact samples.
 */
export const PROM_SLICE_LABELS = ['region', 'cdn', 'pop', 'isp', 'device', 'player'] as const;
export type PromSliceLabel = (typeof PROM_SLICE_LABELS)[number];

/** Histograms of observations (one per real start, unweighted: Prometheus histograms count observations). */
export const HISTOGRAMS = [
  {
    id: 'startup_time',
    title: 'Startup time',
    meaning: 'First frame − request of every real start, as observed (not weighted).',
    source: 'CTA-2066 initialStartupTime',
    unit: 'seconds',
    name: 'streamdrill_qoe_startup_seconds',
    help: 'Startup time of each real start (first frame - request), seconds.',
    buckets: STARTUP_BUCKETS_MS.map((ms) => ms / 1000),
  },
] as const;

/** Labels metrics can be filtered and grouped by: the session labels of the QoE engine. */
export const METRIC_LABELS = LABEL_KEYS;
export type MetricLabel = (typeof METRIC_LABELS)[number];

/** A label filter: each given label must equal the value (or one of the values). */
export const WhereSchema = z.partialRecord(
  z.enum(METRIC_LABELS),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
);
export type Where = z.infer<typeof WhereSchema>;
