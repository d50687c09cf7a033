/**
 * Turning QoE history into chart rows: one metric, one slice dimension, scaled for display. The
 * metrics, their titles and units are the catalogue's (metrics/catalogue.ts) for the console's ids.
 */
import { metric } from '../../metrics/catalogue.ts';
import { CONSOLE_METRICS, type ConsoleMetric, type QoeFigures, type QoePoint } from '../api.ts';

export type Dim = 'region' | 'cdn';
/** Display units: percent for ratios, seconds, kbit/s for bits per second. */
export type Unit = 'pct' | 's' | 'kbps';
export type MetricKey = ConsoleMetric;

export interface MetricDef {
  key: MetricKey;
  title: string;
  unit: Unit;
  /** A reference line (same unit as the figure, e.g. 0.05 for 5%). */
  threshold?: { value: number; label: string };
}

const DISPLAY: Record<string, Unit> = { ratio: 'pct', seconds: 's', 'bits/s': 'kbps' };
/** Reference lines: the default rules' page threshold. */
const THRESHOLDS: Partial<Record<MetricKey, MetricDef['threshold']>> = {
  rebuffering_share: { value: 0.05, label: 'page 5%' },
};

export const METRICS: MetricDef[] = CONSOLE_METRICS.map((key) => {
  const def = metric(key);
  const threshold = THRESHOLDS[key];
  return { key, title: def.title, unit: DISPLAY[def.unit] ?? 's', ...(threshold ? { threshold } : {}) };
});

const REGION_COLOURS = ['#1f6fd1', '#e06c00', '#2e9e4f', '#b8336a', '#6a4fb3', '#7a7a00'];
const CDN_COLOURS = ['#7b3fc4', '#0f9b8e', '#c8473a', '#3d6b99', '#a36f00', '#555555'];

export function colour(dim: Dim, index: number): string {
  const palette = dim === 'region' ? REGION_COLOURS : CDN_COLOURS;
  return palette[index % palette.length]!;
}

/** The display value of a figure: ratios as percent (0..100), bits/s as kbit/s, seconds as they are. */
export function scaled(unit: Unit, v: number | null | undefined): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return unit === 'pct' ? v * 100 : unit === 'kbps' ? v / 1000 : v;
}

export function formatValue(unit: Unit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'pct':
      return `${v < 10 ? v.toFixed(1) : v.toFixed(0)}%`;
    case 's':
      return `${v.toFixed(1)} s`;
    case 'kbps':
      return v >= 1000 ? `${(v / 1000).toFixed(1)} Mb/s` : `${v.toFixed(0)} kb/s`;
  }
}

export function sliceOf(p: QoePoint, dim: Dim): Record<string, QoeFigures> {
  return dim === 'region' ? p.byRegion : p.byCdn;
}

export type Row = { t: number } & Record<string, number | null>;

/** At most `max` points, evenly spread, always keeping the latest. */
export function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * stride)]!);
  out.push(points.at(-1)!);
  return out;
}

export function rows(points: QoePoint[], dim: Dim, metric: MetricDef, keys: string[]): Row[] {
  return points.map((p) => {
    const slice = sliceOf(p, dim);
    const row: Row = { t: p.t } as Row;
    for (const k of keys) row[k] = scaled(metric.unit, slice[k]?.[metric.key]);
    return row;
  });
}
