/**
 * Weighted quantiles and fixed-bucket histograms for startup times. Every real viewer stands for
 * `weight` viewers of the scenario's population, so a quantile is taken over the population, not
 * over the handful of real sessions. Hand-written: a dozen lines, no dependency needed.
 */

export interface Weighted {
  value: number;
  weight: number;
}

/** The smallest value whose cumulative weight reaches `q` of the total (nearest-rank, weighted). */
export function weightedQuantile(items: readonly Weighted[], q: number): number | null {
  const xs = items.filter((i) => i.weight > 0 && Number.isFinite(i.value));
  if (xs.length === 0) return null;
  xs.sort((a, b) => a.value - b.value);
  const total = xs.reduce((n, i) => n + i.weight, 0);
  const target = Math.min(Math.max(q, 0), 1) * total;
  let cum = 0;
  for (const i of xs) {
    cum += i.weight;
    if (cum >= target - 1e-9 * total) return i.value;
  }
  return xs[xs.length - 1]!.value;
}

export function weightedMean(items: readonly Weighted[]): number | null {
  let sum = 0;
  let total = 0;
  for (const i of items) {
    sum += i.value * i.weight;
    total += i.weight;
  }
  return total > 0 ? sum / total : null;
}

/** Upper bounds (ms) of the startup-time histogram buckets; the last bucket is +Inf. */
export const STARTUP_BUCKETS_MS = [250, 500, 1000, 2000, 3000, 5000, 8000, 10_000, 15_000, 20_000, 30_000];

export interface HistogramBucket {
  /** Upper bound in ms, or null for +Inf. Counts are per bucket, not cumulative. */
  le: number | null;
  count: number;
}

export function histogram(
  items: readonly Weighted[],
  bounds: readonly number[] = STARTUP_BUCKETS_MS,
): HistogramBucket[] {
  const buckets: HistogramBucket[] = [...bounds.map((le) => ({ le, count: 0 })), { le: null, count: 0 }];
  for (const i of items) {
    const b = buckets.find((x) => x.le === null || i.value <= x.le)!;
    b.count += i.weight;
  }
  return buckets;
}
