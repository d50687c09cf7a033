/**
 * A run in Prometheus terms: the metric names and slice labels come from the metric catalogue
 * (metrics/catalogue.ts), the same names the collector's live `/metrics` serves. Exported from a
 * journal: every catalogue metric with an impact figure, as a gauge over the last minute, labelled
 * by the slice it describes (one of the catalogue's slice labels) or by nothing for the whole
 * population. Documented in docs/prometheus.md.
 */

import { IMPACT_METRICS, METRICS, type MetricId, metric, PROM_SLICE_LABELS } from '../metrics/catalogue.ts';

export { PROM_SLICE_LABELS };

export interface PromMetric {
  /** Prometheus metric name. */
  name: string;
  help: string;
  /** The catalogue metric it stands for. */
  id: MetricId;
  /** The `impact.sample` / result.json field it is exported from, when journals carry it. */
  field?: string;
}

/** Every windowed gauge of the catalogue, in its order. */
export const PROM_METRICS: readonly PromMetric[] = METRICS.flatMap((m) =>
  'gauge' in m
    ? [{ name: m.gauge.name, help: m.gauge.help, id: m.id, ...('impact' in m ? { field: m.impact } : {}) }]
    : [],
);

/** The Prometheus gauge name of a catalogue metric. */
export function promMetricName(id: MetricId): string {
  const def = metric(id);
  if (!def.gauge) throw new Error(`no Prometheus gauge for metric ${id}`);
  return def.gauge.name;
}

/** Metrics that journals' impact samples (or result.json series) carry, with their field. */
export function exportableMetrics(): { name: string; field: string }[] {
  return IMPACT_METRICS.map((m) => ({ name: m.gauge.name, field: m.impact }));
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
