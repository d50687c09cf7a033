/**
 * The incremental engine's memory layout, shared by its store, state machine and queries: the
 * columns of the cumulative cell table, the gauges, the session phases, the presence kinds, the
 * histogram buckets, and typed-array helpers. Numbers, not objects: the hot loops index arrays.
 */
import { STARTUP_BUCKETS_MS } from '../quantiles.ts';

// Cell table: cumulative, checkpointed columns. The first RATES are time integrals (rate × ms).
export const WATCH = 0;
export const STALL = 1;
export const PLAY = 2;
export const BITS = 3;
export const RATES = 4;
export const ATTEMPTS = 4;
export const VSF = 5;
export const EBVS = 6;
export const FAILS = 7;
export const STALLS = 8;
export const P_CLOSED_W = 9;
export const P_CLOSED_N = 10;
export const W_CLOSED_W = 11;
/** Starts with a startup time: weighted count, weighted sum, and the histogram (12 buckets). */
export const ST_N = 12;
export const ST_SUM = 13;
export const HIST = 14;
export const COLS = HIST + STARTUP_BUCKETS_MS.length + 1;

// Gauges (live only). Each weighted gauge has an unweighted count beside it: when the count drops
// to zero the weighted sum is reset to exactly 0, so float residues never make an empty cell non-empty.
// (gaugeAdd keeps the count of gauge `col` at `col + 1`.)
export const G_VIEW = 0;
export const G_CUR = 2;
export const G_REBUF = 4;
export const G_BR_W = 6;
export const G_BR_SUM = 7;
export const G_BR_N = 8;
export const G_P_OPEN_W = 9;
export const G_P_OPEN_N = 10;
export const G_W_OPEN_W = 11;
export const GAUGES = 13;

// Accumulator layout for one group in a query: the COLS window differences, then the gauges.
export const ACC = COLS + GAUGES;

export const STARTING = 0;
export const PLAYING = 1;
export const STALLED = 2;
export const PAUSED = 3;
export const ENDED = 4;

/** Presence kinds: in a cell at all (sessions), and accruing watch time there (watching sessions). */
export const PRESENT = 0;
export const WATCHING = 1;

/** Fine buckets (16 per octave) that locate a quantile before the exact pass; lower bounds, ms. */
export const FINE_BOUNDS: Float64Array = (() => {
  const out = [Number.NEGATIVE_INFINITY];
  for (let e = 0; e < 24; e++) for (let k = 0; k < 16; k++) out.push(2 ** e * (1 + k / 16));
  return Float64Array.from(out);
})();
export const FINE = FINE_BOUNDS.length;
/** Fine bucket of an absent value in the start log. */
export const NO_VALUE = -1;

export function fineBucket(v: number): number {
  if (!(v >= 1)) return 0;
  let lo = 0;
  let hi = FINE - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (FINE_BOUNDS[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The engine's histogram(): the first bucket whose upper bound is ≥ v (NaN lands in +Inf). */
export function coarseBucket(v: number): number {
  for (let i = 0; i < STARTUP_BUCKETS_MS.length; i++) if (v <= STARTUP_BUCKETS_MS[i]!) return i;
  return STARTUP_BUCKETS_MS.length;
}

/** Doubles per block of checkpoint rows (1 MB). */
export const CP_BLOCK = 1 << 17;

/** Seats at or above this are ignored (the fast table is indexed by seat). */
export const MAX_SLOT = 1 << 20;

export function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** Rows of a cells x columns table, sparse: row c's non-zero columns and values are [start[c], start[c + 1]). */
export interface SparseRows {
  start: Int32Array;
  col: Uint8Array;
  val: Float64Array;
}

export function sparseRows(cells: number, cols: number): SparseRows {
  return {
    start: new Int32Array(cells + 1),
    col: new Uint8Array(cells * cols),
    val: new Float64Array(cells * cols),
  };
}
