/**
 * The incremental engine's queries: the metrics of a window (at − windowMs, at] per group of
 * labels in O(cells), from the store's checkpoints. A window sum is cum(at) − cum(at − windowMs)
 * over the matching cells (kept sparse), the gauges are summed per group, sessions present in
 * several cells of a group are counted once, and startup quantiles and the error distribution are
 * computed on first read of their field (see {@link lazy}). Everything the queries at one time
 * share is memoised for that time and ingest version; every window that starts before the first
 * event is the same window.
 */
import type { ErrorCount, LabelFilter, LabelKey, QoeMetrics } from '../engine.ts';
import { matches } from '../engine.ts';
import type { HistogramBucket } from '../quantiles.ts';
import { STARTUP_BUCKETS_MS } from '../quantiles.ts';
import {
  ACC,
  ATTEMPTS,
  BITS,
  COLS,
  EBVS,
  FAILS,
  FINE,
  G_BR_SUM,
  G_BR_W,
  G_CUR,
  G_P_OPEN_N,
  G_P_OPEN_W,
  G_REBUF,
  G_VIEW,
  G_W_OPEN_W,
  GAUGES,
  HIST,
  P_CLOSED_N,
  P_CLOSED_W,
  PLAY,
  PRESENT,
  type SparseRows,
  ST_N,
  ST_SUM,
  STALL,
  STALLS,
  sparseRows,
  VSF,
  W_CLOSED_W,
  WATCH,
  WATCHING,
} from './layout.ts';
import type { MultiList } from './presence.ts';
import type { CellStore } from './store.ts';

export interface QoeGroup {
  /** Values of the groupBy labels. */
  labels: Record<string, string>;
  metrics: QoeMetrics;
}

/** Cells grouped by some labels within a filter: group of every cell (-1: outside the filter). */
interface Grouping {
  key: string;
  groupOf: Int32Array;
  groupLabels: Record<string, string>[];
  groupKeys: string[];
}

/**
 * Makes obj[key] computed on first read (then a plain value; assignable). Order statistics and the
 * error list cost O(starts / errors in the window); most callers (alert rules, impact figures) never
 * read them. They are computed from the state at the time of the first read: identical to computing
 * them at the query unless events stamped at or before the query time arrive in between.
 */
function lazy<T extends object, K extends keyof T>(obj: T, key: K, get: () => T[K]): void {
  const set = (value: T[K]) =>
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = get();
      set(value);
      return value;
    },
    set,
  });
}

export class QoeQueries {
  // Query memo, valid for one (at, version): results, and what the queries at that time share —
  // the window differences of the cell table per window, the multi-cell sessions that can matter
  // per window start, gauge sums per grouping, and the cells present per window.
  private memoAt = Number.NaN;
  private memoVersion = -1;
  private readonly memo = new Map<string, Map<string, QoeGroup>>();
  private readonly diffs = new Map<number, SparseRows>();
  /** Buffers for `diffs`, reused from one query time to the next (per window length). */
  private readonly diffPool = new Map<number, SparseRows>();
  private gaugeMemo: SparseRows | undefined;
  private gaugePool: SparseRows | undefined;
  private readonly multiAfter = new Map<number, [Int32Array, Int32Array]>();
  private readonly gaugeSums = new Map<string, Float64Array>();
  private readonly sumsMemo = new Map<string, { acc: Float64Array; corr: Float64Array }>();
  private readonly present = new Map<number, Int32Array>();
  private readonly labelValueMemo = new Map<string, string[]>();
  private readonly labelIdx = new Map<
    LabelKey,
    { of: Int32Array; values: string[]; ids: Map<string, number> }
  >();
  private readonly groupings = new Map<string, Grouping>();

  constructor(
    private readonly store: CellStore,
    /** Sessions present (or watching) in more than one cell, by presence kind. */
    private readonly multi: readonly [MultiList, MultiList],
    /** Brings the engine to a query time (ticks, stale and stuck sessions); returns its ingest version. */
    private readonly prepare: (at: number) => number,
  ) {}

  /** Distinct values a label took in the window (sessions active there), sorted. */
  labelValues(key: LabelKey, at: number, windowMs: number): string[] {
    this.fresh(at);
    const memoKey = `${windowMs}|${key}`;
    let out = this.labelValueMemo.get(memoKey);
    if (!out) {
      // Each cell's value of the label as an index into its distinct values: mark, then collect.
      const idx = this.labelIndex(key);
      const mark = new Uint8Array(idx.values.length);
      this.forPresentCells(at, windowMs, (c) => {
        mark[idx.of[c]!] = 1;
      });
      out = idx.values.filter((_, v) => mark[v] === 1).sort();
      this.labelValueMemo.set(memoKey, out);
    }
    return out.slice();
  }

  /** Per label: every cell's value as an index into the label's distinct values (extended as cells appear). */
  private labelIndex(key: LabelKey): { of: Int32Array; values: string[]; ids: Map<string, number> } {
    let idx = this.labelIdx.get(key);
    if (!idx) {
      idx = { of: new Int32Array(0), values: [], ids: new Map() };
      this.labelIdx.set(key, idx);
    }
    if (idx.of.length < this.store.nCells) {
      const of = new Int32Array(this.store.nCells);
      of.set(idx.of);
      for (let c = idx.of.length; c < this.store.nCells; c++) {
        const v = this.store.cellLabels[c]![key];
        let id = idx.ids.get(v);
        if (id === undefined) {
          id = idx.values.length;
          idx.ids.set(v, id);
          idx.values.push(v);
        }
        of[c] = id;
      }
      idx.of = of;
    }
    return idx;
  }

  /** Distinct combinations of several labels in the window. */
  labelCombos(keys: readonly LabelKey[], at: number, windowMs: number): string[][] {
    const seen = new Map<string, string[]>();
    this.forPresentCells(at, windowMs, (c) => {
      const combo = keys.map((k) => this.store.cellLabels[c]![k]);
      seen.set(combo.join('\u0000'), combo);
    });
    return [...seen.values()].sort((a, b) => a.join('/').localeCompare(b.join('/')));
  }

  private forPresentCells(at: number, windowMs: number, fn: (c: number) => void): void {
    this.fresh(at);
    if (Number.isNaN(this.store.firstT)) return;
    let cells = this.present.get(windowMs);
    if (!cells) {
      const A = this.store.cpRow[this.store.cpRow.length - 1]!;
      const F = this.store.rowsAt(at - windowMs).cells;
      const list: number[] = [];
      for (let c = 0; c < this.store.nCells; c++) {
        const i = c * COLS + P_CLOSED_N;
        const closed = (A[i] ?? 0) - (F && i < F.length ? F[i]! : 0);
        if (this.store.gauge[c * GAUGES + G_P_OPEN_N]! > 0 || closed > 0.5) list.push(c);
      }
      cells = Int32Array.from(list);
      this.present.set(windowMs, cells);
    }
    for (let x = 0; x < cells.length; x++) fn(cells[x]!);
  }

  /** Brings the engine to `at` and drops the query memo when time or the ingested events moved on. */
  private fresh(at: number): void {
    const version = this.prepare(at);
    if (this.memoAt === at && this.memoVersion === version) return;
    this.memo.clear();
    this.diffs.clear();
    this.multiAfter.clear();
    this.gaugeSums.clear();
    this.gaugeMemo = undefined;
    this.sumsMemo.clear();
    this.present.clear();
    this.labelValueMemo.clear();
    this.memoAt = at;
    this.memoVersion = version;
  }

  /**
   * The window's difference of every cell's cumulative columns, cum(at) − cum(from), with float
   * residue of large sums snapped to zero, kept sparse: per cell (in order) its non-zero columns
   * and values (memoised per query time; adding the zeros would change no sum).
   */
  private windowDiff(at: number, from: number): SparseRows {
    const span = this.span(from);
    let D = this.diffs.get(span);
    if (D) return D;
    const nCells = this.store.nCells;
    // Buffers are reused from one query time to the next, per window length.
    const windowMs = at - from;
    D = this.diffPool.get(windowMs);
    if (!D || D.start.length < nCells + 1) {
      D = sparseRows(Math.max(nCells, this.store.cellCap), COLS);
      this.diffPool.set(windowMs, D);
    }
    const { start, col, val } = D;
    const A = this.store.cpRow[this.store.cpRow.length - 1]!;
    const F = this.store.rowsAt(from).cells;
    let k = 0;
    for (let c = 0; c < nCells; c++) {
      start[c] = k;
      const o = c * COLS;
      const hasF = F !== null && o + COLS <= F.length;
      for (let j = 0; j < COLS; j++) {
        const a = A[o + j] ?? 0;
        const d = hasF ? a - F[o + j]! : a;
        // Differences of large cumulative sums: snap float residue to zero.
        if (d === 0 || Math.abs(d) <= 1e-10 * Math.abs(a)) continue;
        col[k] = j;
        val[k++] = d;
      }
    }
    start[nCells] = k;
    this.diffs.set(span, D);
    return D;
  }

  /** The gauges of every cell, sparse as windowDiff (memoised per query time). */
  private gaugeRows(): SparseRows {
    if (this.gaugeMemo) return this.gaugeMemo;
    const nCells = this.store.nCells;
    let D = this.gaugePool;
    if (!D || D.start.length < nCells + 1) {
      D = sparseRows(Math.max(nCells, this.store.cellCap), GAUGES);
      this.gaugePool = D;
    }
    const { start, col, val } = D;
    const gauge = this.store.gauge;
    let k = 0;
    for (let c = 0; c < nCells; c++) {
      start[c] = k;
      const o = c * GAUGES;
      for (let j = 0; j < GAUGES; j++) {
        const g = gauge[o + j]!;
        if (g === 0) continue;
        col[k] = j;
        val[k++] = g;
      }
    }
    start[nCells] = k;
    this.gaugeMemo = D;
    return D;
  }

  /** The metrics of a window with no session in it. */
  empty(at: number, windowMs: number): QoeMetrics {
    const none = () => null;
    return this.build(at, windowMs, new Float64Array(ACC), 0, 0, 0, none, none, none, none, () => []);
  }

  /** The metrics per group of `keys` within `filter` (memoised per query time). */
  compute(
    at: number,
    windowMs: number,
    filter: LabelFilter,
    keys: readonly LabelKey[],
  ): Map<string, QoeGroup> {
    this.fresh(at);
    const memoKey = `${windowMs}|${JSON.stringify(filter)}|${keys.join(',')}`;
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const result = this.computeGroups(at, windowMs, filter, keys);
    this.memo.set(memoKey, result);
    return result;
  }

  /** Group of every cell (-1: outside the filter), kept across ticks until new cells appear. */
  private grouping(filter: LabelFilter, keys: readonly LabelKey[]): Grouping {
    const cacheKey = `${JSON.stringify(filter)}|${keys.join(',')}`;
    const hit = this.groupings.get(cacheKey);
    if (hit && hit.groupOf.length === this.store.nCells) return hit;
    const nCells = this.store.nCells;
    const groupOf = new Int32Array(nCells).fill(-1);
    const groupIds = new Map<string, number>();
    const groupLabels: Record<string, string>[] = [];
    const groupKeys: string[] = [];
    const hasFilter = Object.keys(filter).length > 0;
    for (let c = 0; c < nCells; c++) {
      const l = this.store.cellLabels[c]!;
      if (hasFilter && !matches(l, filter)) continue;
      const key = keys.map((k) => l[k]).join('\u0000');
      let g = groupIds.get(key);
      if (g === undefined) {
        g = groupLabels.length;
        groupIds.set(key, g);
        const labels: Record<string, string> = {};
        for (const k of keys) labels[k] = l[k];
        groupLabels.push(labels);
        groupKeys.push(key);
      }
      groupOf[c] = g;
    }
    const out = { key: cacheKey, groupOf, groupLabels, groupKeys };
    this.groupings.set(cacheKey, out);
    return out;
  }

  /** The gauges summed per group (cell order), memoised per grouping at one query time. */
  private gaugeSum(grouping: Grouping, G: number): Float64Array {
    let gs = this.gaugeSums.get(grouping.key);
    if (gs && gs.length === G * GAUGES) return gs;
    gs = new Float64Array(G * GAUGES);
    const { groupOf } = grouping;
    const { start, col, val } = this.gaugeRows();
    for (let c = 0; c < this.store.nCells; c++) {
      const g = groupOf[c]!;
      if (g < 0) continue;
      const ga = g * GAUGES;
      for (let k = start[c]!; k < start[c + 1]!; k++) gs[ga + col[k]!]! += val[k]!;
    }
    this.gaugeSums.set(grouping.key, gs);
    return gs;
  }

  /**
   * Per group: the window sums of the cumulative columns and the gauges (acc, ACC per group), and
   * the de-duplication of sessions present (or watching) in several of its cells (corr, 3 per
   * group). Memoised per query time by window start — every window that starts before the first
   * event sees the same: everything since it.
   */
  private sums(at: number, from: number, grouping: Grouping): { acc: Float64Array; corr: Float64Array } {
    const span = this.span(from);
    const memoKey = `${span}|${grouping.key}`;
    const hit = this.sumsMemo.get(memoKey);
    if (hit) return hit;
    const { groupOf } = grouping;
    const G = grouping.groupLabels.length;
    const nCells = this.store.nCells;
    const acc = new Float64Array(G * ACC);
    // Window differences of the cumulative columns (cell order), plus the gauges.
    const { start, col, val } = this.windowDiff(at, from);
    for (let c = 0; c < nCells; c++) {
      const g = groupOf[c]!;
      if (g < 0) continue;
      const ga = g * ACC;
      for (let k = start[c]!; k < start[c + 1]!; k++) acc[ga + col[k]!]! += val[k]!;
    }
    const gs = this.gaugeSum(grouping, G);
    for (let g = 0; g < G; g++) acc.set(gs.subarray(g * GAUGES, (g + 1) * GAUGES), g * ACC + COLS);

    // Sessions present (or watching) in several cells of one group count once there.
    let after = this.multiAfter.get(span);
    if (!after) {
      // Before the first event every listed session is a candidate (its times are all later).
      after =
        span === Number.NEGATIVE_INFINITY
          ? [this.multi[PRESENT].all(), this.multi[WATCHING].all()]
          : [this.multi[PRESENT].after(from), this.multi[WATCHING].after(from)];
      this.multiAfter.set(span, after);
    }
    const corr = new Float64Array(G * 3);
    for (let kind = 0; kind < 2; kind++) {
      this.multi[kind]!.correct(
        from,
        after[kind]!,
        groupOf,
        corr,
        3,
        kind === PRESENT ? 0 : 2,
        kind === PRESENT,
      );
    }
    const out = { acc, corr };
    this.sumsMemo.set(memoKey, out);
    return out;
  }

  /**
   * A window start, or -Infinity for every start before the first event: nothing distinguishes
   * those windows (no checkpoint row, no start, no presence entry is older than the first event).
   */
  private span(from: number): number {
    return from < this.store.firstT ? Number.NEGATIVE_INFINITY : from;
  }

  private computeGroups(
    at: number,
    windowMs: number,
    filter: LabelFilter,
    keys: readonly LabelKey[],
  ): Map<string, QoeGroup> {
    const out = new Map<string, QoeGroup>();
    if (Number.isNaN(this.store.firstT)) return out;
    const from = at - windowMs;

    const grouping = this.grouping(filter, keys);
    const { groupOf, groupLabels, groupKeys } = grouping;
    const G = groupLabels.length;
    const { acc, corr } = this.sums(at, from, grouping);

    // Order statistics and the error list are computed on first access, for all groups at once.
    let st: ReturnType<QoeQueries['startStats']> | undefined;
    const stats = () => {
      st ??= this.startStats(from, at, groupOf, G);
      return st;
    };
    let errs: ErrorCount[][] | undefined;
    const errors = () => {
      errs ??= this.errorStats(from, at, groupOf, G);
      return errs;
    };

    for (let g = 0; g < G; g++) {
      const a = acc.subarray(g * ACC, (g + 1) * ACC);
      const key = groupKeys[g]!;
      const sessions = a[G_P_OPEN_W + COLS]! + a[P_CLOSED_W]! - corr[g * 3]!;
      const real = a[G_P_OPEN_N + COLS]! + a[P_CLOSED_N]! - corr[g * 3 + 1]!;
      const watching = a[G_W_OPEN_W + COLS]! + a[W_CLOSED_W]! - corr[g * 3 + 2]!;
      const metrics = this.build(
        at,
        windowMs,
        a,
        Math.abs(sessions) < 1e-9 ? 0 : sessions,
        Math.round(real),
        Math.abs(watching) < 1e-9 ? 0 : watching,
        () => stats().p50[g] ?? null,
        () => stats().p95[g] ?? null,
        () => stats().lic[g] ?? null,
        () => stats().man[g] ?? null,
        () => errors()[g] ?? [],
      );
      out.set(key, { labels: groupLabels[g]!, metrics });
    }
    return out;
  }

  private build(
    at: number,
    windowMs: number,
    a: Float64Array,
    sessions: number,
    realSessions: number,
    watching: number,
    p50: () => number | null,
    p95: () => number | null,
    licence: () => number | null,
    manifest: () => number | null,
    errors: () => ErrorCount[],
  ): QoeMetrics {
    const viewers = a[COLS + G_VIEW]!;
    const current = a[COLS + G_CUR]!;
    const rebuf = a[COLS + G_REBUF]!;
    const brW = a[COLS + G_BR_W]!;
    const attempts = a[ATTEMPTS]!;
    const vsf = a[VSF]!;
    const ebvs = a[EBVS]!;
    const failures = a[FAILS]!;
    const stalls = a[STALLS]!;
    const stallTime = a[STALL]!;
    const watchTime = a[WATCH]!;
    const playTime = a[PLAY]!;
    const histogram: HistogramBucket[] = [...STARTUP_BUCKETS_MS, null].map((le, i) => ({
      le,
      count: a[HIST + i]!,
    }));
    const startCount = a[ST_N]!;
    const startup = {
      count: startCount,
      p50Ms: null as number | null,
      p95Ms: null as number | null,
      meanMs: startCount > 0 ? a[ST_SUM]! / startCount : null,
      histogram,
    };
    lazy(startup, 'p50Ms', p50);
    lazy(startup, 'p95Ms', p95);
    const m: QoeMetrics = {
      at,
      windowMs,
      realSessions,
      viewers,
      currentViewers: current,
      rebufferingNow: rebuf,
      startAttempts: attempts,
      videoStartFailures: vsf,
      exitsBeforeVideoStart: ebvs,
      sessions,
      playbackFailures: failures,
      startup,
      licenceP50Ms: null,
      manifestP50Ms: null,
      stalls,
      watchingSessions: watching,
      stallTimeMs: stallTime,
      watchTimeMs: watchTime,
      playTimeMs: playTime,
      bitsPlayed: a[BITS]!,
      currentBitrate: brW > 0 ? a[COLS + G_BR_SUM]! / brW : null,
      errors: [],
    };
    lazy(m, 'licenceP50Ms', licence);
    lazy(m, 'manifestP50Ms', manifest);
    lazy(m, 'errors', errors);
    return m;
  }

  /**
   * Startup, licence and manifest times of the starts in (from, at], per group: counts, sums and
   * the coarse histogram in one pass; quantiles are exact weighted nearest-rank (as the engine's
   * weightedQuantile): a fine histogram finds the bucket holding the rank, a second pass collects
   * only that bucket's values and sorts them.
   */
  private startStats(from: number, at: number, groupOf: Int32Array, G: number) {
    const p50: (number | null)[] = new Array(G).fill(null);
    const p95: (number | null)[] = new Array(G).fill(null);
    const lic: (number | null)[] = new Array(G).fill(null);
    const man: (number | null)[] = new Array(G).fill(null);
    const out = { p50, p95, lic, man };
    const i0 = this.store.startIndex(from);
    const i1 = this.store.startIndex(at);
    if (i1 === i0) return out;
    const cellOf = this.store.stCell;
    const W = this.store.stW;
    const V = this.store.stV;
    const FB = this.store.stFb;
    const LB = this.store.stLb;
    const MB = this.store.stMb;
    // Fine histograms: [startup | licence | manifest] x group x bucket.
    const fine = new Float64Array(3 * G * FINE);
    const LOFF = G * FINE;
    const MOFF = 2 * G * FINE;
    for (let i = i0; i < i1; i++) {
      const g = groupOf[cellOf[i]!]!;
      if (g < 0) continue;
      const w = W[i]!;
      const fb = FB[i]!;
      if (fb >= 0) fine[g * FINE + fb]! += w;
      const lb = LB[i]!;
      if (lb >= 0) fine[LOFF + g * FINE + lb]! += w;
      const mb = MB[i]!;
      if (mb >= 0) fine[MOFF + g * FINE + mb]! += w;
    }
    // Rank targets: per (quantile slot, group) the bucket, the weight before it and the total.
    // Slots: 0 startup p50, 1 startup p95, 2 licence p50, 3 manifest p50.
    const SLOTS = 4;
    // -100: no target (never equal to a stored bucket, NO_VALUE included).
    const bucket = new Int32Array(SLOTS * G).fill(-100);
    const before = new Float64Array(SLOTS * G);
    const total = new Float64Array(SLOTS * G);
    const q = [0.5, 0.95, 0.5, 0.5];
    const base = [0, 0, LOFF, MOFF];
    let any = false;
    for (let slot = 0; slot < SLOTS; slot++) {
      const off = base[slot]!;
      for (let g = 0; g < G; g++) {
        const h = off + g * FINE;
        let tot = 0;
        for (let b = 0; b < FINE; b++) tot += fine[h + b]!;
        if (!(tot > 0)) continue;
        const target = q[slot]! * tot - 1e-9 * tot;
        let cum = 0;
        let found = -1;
        let last = -1;
        for (let b = 0; b < FINE; b++) {
          const x = fine[h + b]!;
          if (x === 0) continue;
          last = b;
          if (cum + x >= target) {
            found = b;
            break;
          }
          cum += x;
        }
        const k = slot * G + g;
        // Never reached (rounding): the largest value, as the engine does (marked by a NaN total).
        bucket[k] = found >= 0 ? found : last;
        before[k] = cum;
        total[k] = found >= 0 ? tot : Number.NaN;
        any = true;
      }
    }
    if (!any) return out;
    const picked: number[][] = Array.from({ length: SLOTS * G }, () => []);
    const bks = [FB, FB, LB, MB];
    for (let i = i0; i < i1; i++) {
      const g = groupOf[cellOf[i]!]!;
      if (g < 0) continue;
      for (let slot = 0; slot < SLOTS; slot++) {
        const k = slot * G + g;
        if (bks[slot]![i] === bucket[k]) picked[k]!.push(i);
      }
    }
    const vals = [V, V, this.store.stL, this.store.stM];
    const outs = [p50, p95, lic, man];
    for (let slot = 0; slot < SLOTS; slot++) {
      const v = vals[slot]!;
      for (let g = 0; g < G; g++) {
        const k = slot * G + g;
        const idx = picked[k]!;
        if (idx.length === 0) continue;
        const tot = total[k]!;
        const target = q[slot]! * tot - 1e-9 * tot;
        let result: number;
        const w0 = W[idx[0]!]!;
        if (idx.every((i) => W[i] === w0)) {
          // One weight (the usual case: one population weight): a native numeric sort suffices.
          const vs = Float64Array.from(idx, (i) => v[i]!).sort();
          result = vs[vs.length - 1]!;
          if (!Number.isNaN(tot)) {
            let cum = before[k]!;
            for (const x of vs) {
              cum += w0;
              if (cum >= target) {
                result = x;
                break;
              }
            }
          }
        } else {
          idx.sort((a, b) => v[a]! - v[b]!);
          result = v[idx[idx.length - 1]!]!;
          if (!Number.isNaN(tot)) {
            let cum = before[k]!;
            for (const i of idx) {
              cum += W[i]!;
              if (cum >= target) {
                result = v[i]!;
                break;
              }
            }
          }
        }
        outs[slot]![g] = result;
      }
    }
    return out;
  }

  /** The error distribution per group: (cell, error kind) counters over the window. */
  private errorStats(from: number, at: number, groupOf: Int32Array, G: number): ErrorCount[][] {
    const out: ErrorCount[][] = [];
    const nEk = this.store.ekCell.length;
    if (nEk === 0) return out;
    const E = this.store.cpErr[this.store.checkpointIndex(at)]!;
    const FE = this.store.rowsAt(from).errs;
    const nFe = FE ? FE.length : 0;
    const NG = this.store.errGroups.length;
    const events = new Float64Array(G * NG);
    const counts = new Float64Array(G * NG);
    for (let ek = 0; ek < nEk; ek++) {
      const g = groupOf[this.store.ekCell[ek]!]!;
      if (g < 0) continue;
      const i = ek * 2;
      const ev = (E[i] ?? 0) - (i < nFe ? FE![i]! : 0);
      if (!(ev > 0.5)) continue;
      const k = g * NG + this.store.ekGroup[ek]!;
      events[k]! += ev;
      counts[k]! += (E[i + 1] ?? 0) - (i + 1 < nFe ? FE![i + 1]! : 0);
    }
    for (let g = 0; g < G; g++) {
      const list: [number, ErrorCount][] = [];
      for (let eg = 0; eg < NG; eg++) {
        const ev = events[g * NG + eg]!;
        if (ev > 0.5)
          list.push([
            eg,
            { ...this.store.errGroups[eg]!.template, events: Math.round(ev), count: counts[g * NG + eg]! },
          ]);
      }
      // Ties keep the order the error kinds were first seen (the engine: first seen in the window).
      out[g] = list.sort((a, b) => b[1].count - a[1].count || a[0] - b[0]).map(([, c]) => c);
    }
    return out;
  }
}
