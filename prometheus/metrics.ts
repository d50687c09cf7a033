/**
 * Prometheus names for streamdrill's QoE metrics: one gauge per metric id, labelled by the slice it
 * describes (one of region, cdn, pop, isp, device) or by nothing for the whole population. Values
 * are the figures streamdrill's own rules see: ratios 0..1 over the last minute, times in seconds,
 * bitrate in bits per second. Documented in docs/prometheus.md.
 */

import type { ImpactFigures } from '../incident/impact.ts';
import type { MetricId } from '../metrics/catalogue.ts';

export interface PromMetric {
  /** Prometheus metric name. */
  name: string;
  help: string;
  /** The streamdrill metric id it stands for, if any (extra impact figures have none). */
  id?: MetricId;
  /** The `impact.sample` / result.json field it is exported from, when journals carry it. */
  field?: string;
}

export const PROM_PREFIX = 'streamdrill_qoe_';

/** Every metric, in documentation order. */
export const PROM_METRICS: readonly PromMetric[] = [
  {
    name: 'streamdrill_qoe_rebuffering_share',
    id: 'rebuffering_share',
    field: 'rebufferingShare',
    help: 'Share of current viewers rebuffering now (0..1).',
  },
  {
    name: 'streamdrill_qoe_rebuffer_ratio',
    id: 'rebuffer_ratio',
    field: 'rebufferRatio',
    help: 'Stalled time / watch time over the last minute (0..1).',
  },
  {
    name: 'streamdrill_qoe_video_start_failure_ratio',
    id: 'video_start_failure',
    field: 'videoStartFailureShare',
    help: 'Share of start attempts in the last minute that ended in a fatal error before the first frame.',
  },
  {
    name: 'streamdrill_qoe_exits_before_video_start_ratio',
    id: 'exits_before_video_start',
    field: 'exitsBeforeStartShare',
    help: 'Share of start attempts in the last minute abandoned before the first frame (no error).',
  },
  {
    name: 'streamdrill_qoe_playback_failure_ratio',
    id: 'playback_failure',
    field: 'playbackFailureShare',
    help: 'Share of sessions in the last minute that ended in a fatal error after starting.',
  },
  {
    name: 'streamdrill_qoe_start_failure_share',
    field: 'startFailureShare',
    help: 'Share of start attempts in the last minute that failed or were abandoned (VSF + EBVS).',
  },
  {
    name: 'streamdrill_qoe_affected_share',
    field: 'affectedShare',
    help: 'Share of viewers affected: rebuffering now or failing to start (the severity grid figure).',
  },
  {
    name: 'streamdrill_qoe_startup_time_p50_seconds',
    id: 'startup_time_p50',
    help: 'Median startup time of starts in the last minute (seconds).',
  },
  {
    name: 'streamdrill_qoe_startup_time_p95_seconds',
    id: 'startup_time_p95',
    help: '95th percentile startup time of starts in the last minute (seconds).',
  },
  {
    name: 'streamdrill_qoe_average_bitrate_bps',
    id: 'average_bitrate',
    help: 'Average playback bitrate over the last minute (bits per second).',
  },
  {
    name: 'streamdrill_qoe_stalls_per_session',
    id: 'stalls_per_session',
    help: 'Average stall count per session over the last minute.',
  },
  {
    name: 'streamdrill_qoe_current_viewers',
    id: 'current_viewers',
    field: 'viewers',
    help: 'Current viewers (weighted: the population the run stands for).',
  },
  {
    name: 'streamdrill_qoe_start_attempts',
    id: 'start_attempts',
    field: 'startAttempts',
    help: 'Start attempts in the last minute (weighted).',
  },
];

/** The slice labels exported series carry (exactly one of them, or none for the global series). */
export const PROM_SLICE_LABELS = ['region', 'cdn', 'pop', 'isp', 'device'] as const;
export type PromSliceLabel = (typeof PROM_SLICE_LABELS)[number];

const byId = new Map(PROM_METRICS.filter((m) => m.id).map((m) => [m.id!, m]));

/** The Prometheus metric name of a streamdrill metric id. */
export function promMetricName(id: MetricId): string {
  const m = byId.get(id);
  if (!m) throw new Error(`no Prometheus name for metric ${id}`);
  return m.name;
}

/** Metrics that journals' impact samples (or result.json series) carry, with their field. */
export function exportableMetrics(): { name: string; field: keyof ImpactFigures | string }[] {
  return PROM_METRICS.filter((m) => m.field).map((m) => ({ name: m.name, field: m.field! }));
}

/**
 * streamdrill rule names map one-to-one to Prometheus alert names (RebufferPage is `alert:
 * RebufferPage`); both are `[A-Za-z][A-Za-z0-9_]*`.
 */
export function promAlertName(rule: string): string {
  return rule;
}

/** A series selector with its labels sorted, e.g. `streamdrill_qoe_rebuffering_share{region="emea"}`. */
export function seriesSelector(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}
