/**
 * promtool's expanding notation for `input_series` values: `a+bxn` is n+1 values a, a+b, …, a+nb;
 * `axn` is a repeated n+1 times; `_` is one missing sample, `_xn` is n missing samples; `stale` is
 * a staleness marker (the series ends there, as when a slice disappears, instead of lingering for
 * Prometheus' 5-minute lookback).
 */

/** A point of a series: a number, missing (`null`), or the end of the series (`'stale'`). */
export type SeriesPoint = number | null | 'stale';

/** Decimal places values are rounded to (ratios keep six, plenty against thresholds like 0.05). */
export const DEFAULT_DECIMALS = 6;

/** A number as promtool reads it: no exponent, no trailing zeros, no `-0`. */
export function formatNumber(v: number, decimals = DEFAULT_DECIMALS): string {
  const fixed = v.toFixed(decimals);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Integer units of 10^-decimals, so runs and progressions are detected exactly. */
const units = (v: number, decimals: number) => Math.round(v * 10 ** decimals);
const fromUnits = (u: number, decimals: number) => u / 10 ** decimals;

/**
 * Encodes points (one per interval) in expanding notation: repeated values as `axn`, arithmetic
 * progressions of three or more as `a+bxn` / `a-bxn`, gaps as `_` / `_xn`. Trailing gaps are
 * dropped (they say nothing).
 */
export function expandingNotation(points: readonly SeriesPoint[], decimals = DEFAULT_DECIMALS): string {
  const end = lastIndexWhere(points, (p) => p !== null) + 1;
  const out: string[] = [];
  let i = 0;
  while (i < end) {
    const p = points[i]!;
    if (p === null) {
      let n = 1;
      while (i + n < end && points[i + n] === null) n++;
      out.push(n === 1 ? '_' : `_x${n}`);
      i += n;
      continue;
    }
    if (p === 'stale') {
      out.push('stale');
      i++;
      continue;
    }
    const a = units(p, decimals);
    const num = (j: number) => {
      const q = points[j];
      return typeof q === 'number' ? units(q, decimals) : null;
    };
    const next = i + 1 < end ? num(i + 1) : null;
    if (next === null) {
      out.push(formatNumber(fromUnits(a, decimals), decimals));
      i++;
      continue;
    }
    const step = next - a;
    let n = 1;
    while (i + n + 1 < end && num(i + n + 1) === a + step * (n + 1)) n++;
    if (step === 0) {
      out.push(`${formatNumber(fromUnits(a, decimals), decimals)}x${n}`);
      i += n + 1;
    } else if (n >= 2) {
      const sign = step > 0 ? '+' : '-';
      out.push(
        `${formatNumber(fromUnits(a, decimals), decimals)}${sign}${formatNumber(fromUnits(Math.abs(step), decimals), decimals)}x${n}`,
      );
      i += n + 1;
    } else {
      out.push(formatNumber(fromUnits(a, decimals), decimals));
      i++;
    }
  }
  return out.join(' ');
}

/** Expands notation back into points (the inverse of `expandingNotation`, for tests and checks). */
export function expand(notation: string): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const item of notation.trim().split(/\s+/).filter(Boolean)) {
    if (item === 'stale') {
      out.push('stale');
      continue;
    }
    const gap = /^_(?:x(\d+))?$/.exec(item);
    if (gap) {
      const n = gap[1] === undefined ? 1 : Number(gap[1]);
      for (let k = 0; k < n; k++) out.push(null);
      continue;
    }
    const m = /^(-?[\d.]+)(?:([+-][\d.]+))?(?:x(\d+))?$/.exec(item);
    if (!m) throw new Error(`not expanding notation: ${JSON.stringify(item)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? 0 : Number(m[2]);
    const n = m[3] === undefined ? 0 : Number(m[3]);
    for (let k = 0; k <= n; k++) out.push(a + b * k);
  }
  return out;
}

function lastIndexWhere<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}
