/**
 * Alert rules and the severity classifier ask for metrics by id, filtered and grouped by labels;
 * the QoE metric engine answers with snapshots and slices. This adapter maps one to the other
 * (a metric's value from a snapshot is the catalogue's definition), memoising snapshots within an
 * evaluation tick (many rules share a window).
 */

import { metricValue } from '../metrics/catalogue.ts';
import type { LabelFilter, LabelKey, QoeMetrics } from '../metrics/engine.ts';
import type { QoeSource } from '../metrics/incremental.ts';
import type { MetricGroup, MetricQuery, MetricSource } from './evaluator.ts';

export class EngineMetricSource implements MetricSource {
  private memoAt = Number.NaN;
  private readonly memo = new Map<string, QoeMetrics>();

  constructor(private readonly engine: QoeSource) {}

  snapshot(at: number, windowMs: number, filter: LabelFilter): QoeMetrics {
    if (at !== this.memoAt) {
      this.memo.clear();
      this.memoAt = at;
    }
    const key = `${windowMs}|${JSON.stringify(filter)}`;
    let m = this.memo.get(key);
    if (!m) {
      m = this.engine.snapshot(at, { windowMs, filter });
      this.memo.set(key, m);
    }
    return m;
  }

  query(q: MetricQuery): MetricGroup[] {
    const groups = this.groups(q.groupBy as LabelKey[], q.at, q.windowMs, { ...(q.where as LabelFilter) });
    return groups.map(({ labels, filter }) => {
      const m = this.snapshot(q.at, q.windowMs, filter);
      return { labels, value: metricValue(m, q.metric), viewers: m.currentViewers };
    });
  }

  /** Every combination of values of the groupBy labels seen in the window, with its filter. */
  private groups(
    by: LabelKey[],
    at: number,
    windowMs: number,
    base: LabelFilter,
  ): { labels: Record<string, string>; filter: LabelFilter }[] {
    let out: { labels: Record<string, string>; filter: LabelFilter }[] = [{ labels: {}, filter: base }];
    for (const key of by) {
      const fixed = base[key];
      const values = this.engine
        .labelValues(key, at, windowMs)
        .filter((v) => fixed === undefined || (Array.isArray(fixed) ? fixed.includes(v) : fixed === v));
      out = out.flatMap((g) =>
        values.map((v) => ({ labels: { ...g.labels, [key]: v }, filter: { ...g.filter, [key]: v } })),
      );
    }
    return out;
  }
}
