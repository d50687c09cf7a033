/**
 * The incremental engine's store: everything cumulative and checkpointed, per cell (one distinct
 * full label tuple). Per cell the time integrals (watch, stall, playing, bits; advanced lazily as
 * rate × elapsed time), the counters (attempts, VSF, EBVS, failures, stalls, starts with their
 * startup sum and histogram, closed presence) and the gauges (viewers, current, rebuffering,
 * bitrate, open presence); the checkpoint rows copied at every tick and query time; the error
 * counters per (cell, error kind); and the time-ordered start log the quantiles come from. The
 * session state machine (`../incremental.ts`) writes it; the queries (`queries.ts`) read it. Late
 * information corrects every checkpoint after its time (`count`, `addRate`, `logError`).
 */
import type { PlayerErrorInfo, SessionEvent, SessionLabels } from '../../core/events.ts';
import { type ErrorCount, errorGroup, LABEL_KEYS, type LabelKey } from '../engine.ts';
import {
  COLS,
  CP_BLOCK,
  coarseBucket,
  fineBucket,
  G_BR_N,
  G_BR_SUM,
  G_BR_W,
  GAUGES,
  grow,
  HIST,
  NO_VALUE,
  RATES,
  ST_N,
  ST_SUM,
} from './layout.ts';

export interface ErrorGroup {
  template: Omit<ErrorCount, 'events' | 'count'>;
}

export class CellStore {
  // Cells: one per distinct full label tuple.
  nCells = 0;
  cellCap = 64;
  readonly cellLabels: SessionLabels[] = [];
  readonly cellIds = new Map<string, number>();
  readonly labelCache = new WeakMap<SessionLabels, number>();
  /** Cumulative columns per cell (COLS each), their rates (the first RATES), and the gauges (GAUGES each). */
  cum = new Float64Array(64 * COLS);
  rate = new Float64Array(64 * RATES);
  rateN = new Int32Array(64 * RATES);
  cellT = new Float64Array(64);
  gauge = new Float64Array(64 * GAUGES);

  // Time: the first event, the latest event, and the checkpoints (time, cell rows, error counters).
  firstT = Number.NaN;
  horizon = Number.NEGATIVE_INFINITY;
  readonly cpT: number[] = [];
  readonly cpRow: Float64Array[] = [];
  cpBlock = new Float64Array(0);
  cpBlockUsed = 0;
  readonly cpErr: Float64Array[] = [];

  // Errors: one cumulative [events, weighted count] pair per (cell, error kind).
  readonly errKinds = new Map<string, number>();
  readonly ekIds = new Map<number, number>();
  ekCell: number[] = [];
  ekGroup: number[] = [];
  readonly errGroupIds = new Map<string, number>();
  readonly errGroups: ErrorGroup[] = [];
  errCum = new Float64Array(64 * 2);

  // Start log (time order): startup, licence, manifest times with their cell and weight.
  nStarts = 0;
  stT = new Float64Array(1024);
  stCell = new Int32Array(1024);
  stSerial = new Int32Array(1024);
  stW = new Float64Array(1024);
  stV = new Float64Array(1024);
  stL = new Float64Array(1024);
  stM = new Float64Array(1024);
  stFb = new Int32Array(1024);
  stLb = new Int32Array(1024);
  stMb = new Int32Array(1024);

  /** Distinct label tuples seen so far. */
  get cellCount(): number {
    return this.nCells;
  }

  /** Checkpoints recorded so far. */
  get checkpointCount(): number {
    return this.cpT.length;
  }

  /** Memory held by the checkpoints (cell rows and error counters), bytes. */
  get checkpointBytes(): number {
    let n = 0;
    for (const r of this.cpRow) n += r.byteLength;
    for (const r of this.cpErr) n += r.byteLength;
    return n;
  }

  cellOf(l: SessionLabels): number {
    const cached = this.labelCache.get(l);
    if (cached !== undefined) return cached;
    const key = `${l.region}\u0000${l.isp}\u0000${l.device}\u0000${l.player}\u0000${l.playerVersion}\u0000${l.channel}\u0000${l.variant}\u0000${l.drm}\u0000${l.cdn}\u0000${l.pop}`;
    let c = this.cellIds.get(key);
    if (c === undefined) {
      c = this.nCells++;
      this.cellIds.set(key, c);
      const copy = {} as Record<LabelKey, string>;
      for (const k of LABEL_KEYS) copy[k] = l[k];
      this.cellLabels.push(Object.freeze(copy) as SessionLabels);
      if (this.nCells > this.cellCap) {
        this.cellCap *= 2;
        this.cum = grow(this.cum, this.cellCap * COLS);
        this.rate = grow(this.rate, this.cellCap * RATES);
        this.rateN = grow(this.rateN, this.cellCap * RATES);
        this.cellT = grow(this.cellT, this.cellCap);
        this.gauge = grow(this.gauge, this.cellCap * GAUGES);
      }
      // A new cell has nothing to integrate yet: its clock starts at the latest time known.
      this.cellT[c] = this.now();
    }
    // The simulator freezes label objects and shares them between events: cache those only.
    if (Object.isFrozen(l)) this.labelCache.set(l, c);
    return c;
  }

  now(): number {
    const cp = this.cpT.length > 0 ? this.cpT[this.cpT.length - 1]! : Number.NEGATIVE_INFINITY;
    const t = Math.max(this.horizon, cp);
    return Number.isFinite(t) ? t : 0;
  }

  /** Checkpoint row k, grown to hold cell c (cells created after it was recorded read as zero). */
  row(k: number, c: number): Float64Array {
    let r = this.cpRow[k]!;
    if (r.length < (c + 1) * COLS) {
      const n = new Float64Array(this.nCells * COLS);
      n.set(r);
      this.cpRow[k] = n;
      r = n;
    }
    return r;
  }

  /** Adds to a counter at time t: the live value and every checkpoint at or after t. */
  count(c: number, col: number, t: number, d: number): void {
    this.cum[c * COLS + col]! += d;
    for (let k = this.cpT.length - 1; k >= 0 && this.cpT[k]! >= t; k--) this.row(k, c)[c * COLS + col]! += d;
  }

  advanceCell(c: number, t: number): void {
    const dt = t - this.cellT[c]!;
    if (dt > 0) {
      const r = c * RATES;
      const o = c * COLS;
      for (let j = 0; j < RATES; j++) this.cum[o + j]! += this.rate[r + j]! * dt;
      this.cellT[c] = t;
    }
  }

  /** Changes a rate from time t on (retroactively when t is before the cell's clock). */
  addRate(c: number, col: number, t: number, d: number, n: number): void {
    const i = c * RATES + col;
    const ct = this.cellT[c]!;
    if (t >= ct) this.advanceCell(c, t);
    else {
      this.cum[c * COLS + col]! += d * (ct - t);
      for (let k = this.cpT.length - 1; k >= 0 && this.cpT[k]! > t; k--)
        this.row(k, c)[c * COLS + col]! += d * (this.cpT[k]! - t);
    }
    this.rate[i]! += d;
    this.rateN[i]! += n;
    if (this.rateN[i] === 0) this.rate[i] = 0;
  }

  gaugeAdd(c: number, col: number, d: number, n: number): void {
    const g = this.gauge;
    const o = c * GAUGES;
    g[o + col]! += d;
    g[o + col + 1]! += n;
    if (g[o + col + 1] === 0) g[o + col] = 0;
  }

  brAdd(c: number, w: number, bitrate: number, n: number): void {
    const g = this.gauge;
    const o = c * GAUGES;
    g[o + G_BR_W]! += w;
    g[o + G_BR_SUM]! += w * bitrate;
    g[o + G_BR_N]! += n;
    if (g[o + G_BR_N] === 0) {
      g[o + G_BR_W] = 0;
      g[o + G_BR_SUM] = 0;
    }
  }

  /** A start in the log (and, with a startup time, in its cell's counters). */
  logStart(
    serial: number,
    cell: number,
    w: number,
    requestT: number,
    t: number,
    data: SessionEvent['data'],
  ): void {
    const startup = data?.startupMs !== undefined ? data.startupMs : requestT < t ? t - requestT : Number.NaN;
    const licence = data?.licenceMs ?? Number.NaN;
    const manifest = data?.manifestMs ?? Number.NaN;
    if (Number.isNaN(startup) && Number.isNaN(licence) && Number.isNaN(manifest)) return;
    const n = this.nStarts;
    if (n >= this.stT.length) {
      const cap = n * 2;
      this.stT = grow(this.stT, cap);
      this.stCell = grow(this.stCell, cap);
      this.stSerial = grow(this.stSerial, cap);
      this.stW = grow(this.stW, cap);
      this.stV = grow(this.stV, cap);
      this.stL = grow(this.stL, cap);
      this.stM = grow(this.stM, cap);
      this.stFb = grow(this.stFb, cap);
      this.stLb = grow(this.stLb, cap);
      this.stMb = grow(this.stMb, cap);
    }
    // Keep the log in time order (a late event is inserted in place; rare).
    let i = n;
    while (i > 0 && this.stT[i - 1]! > t) i--;
    if (i < n) {
      for (const a of [this.stT, this.stCell, this.stSerial, this.stW, this.stV, this.stL, this.stM])
        a.copyWithin(i + 1, i, n);
      for (const a of [this.stFb, this.stLb, this.stMb]) a.copyWithin(i + 1, i, n);
    }
    if (!Number.isNaN(startup)) this.startCounters(cell, t, w, startup, 1);
    this.stT[i] = t;
    this.stCell[i] = cell;
    this.stSerial[i] = serial;
    this.stW[i] = w;
    this.stV[i] = startup;
    this.stL[i] = licence;
    this.stM[i] = manifest;
    // Fine buckets: NO_VALUE when absent, -2 when not finite (counted, but not in quantiles).
    const bucketOf = (v: number) => (Number.isNaN(v) ? NO_VALUE : Number.isFinite(v) ? fineBucket(v) : -2);
    this.stFb[i] = bucketOf(startup);
    this.stLb[i] = bucketOf(licence);
    this.stMb[i] = bucketOf(manifest);
    this.nStarts = n + 1;
  }

  /** The additive part of a start (count, sum, histogram bucket), at its time in its cell. */
  startCounters(c: number, t: number, w: number, startup: number, sign: number): void {
    this.count(c, ST_N, t, sign * w);
    this.count(c, ST_SUM, t, sign * w * startup);
    this.count(c, HIST + coarseBucket(startup), t, sign * w);
  }

  logError(c: number, w: number, t: number, x: PlayerErrorInfo): void {
    const kindKey = `${x.player}|${x.category}|${x.code}|${x.fatal}|${x.httpStatus}`;
    let kind = this.errKinds.get(kindKey);
    if (kind === undefined) {
      kind = this.errKinds.size;
      this.errKinds.set(kindKey, kind);
    }
    const ekKey = c * 1_000_000 + kind;
    let ek = this.ekIds.get(ekKey);
    if (ek === undefined) {
      ek = this.ekCell.length;
      this.ekIds.set(ekKey, ek);
      this.ekCell.push(c);
      const l = this.cellLabels[c]!;
      // The engine's grouping: error player, version, device, ISP, CDN, POP, category, code, fatal, status.
      const gKey = [x.player, l.playerVersion, l.device, l.isp, l.cdn, l.pop, kindKey].join('|');
      let g = this.errGroupIds.get(gKey);
      if (g === undefined) {
        g = this.errGroups.length;
        this.errGroupIds.set(gKey, g);
        this.errGroups.push({
          template: errorGroup(x, l),
        });
      }
      this.ekGroup.push(g);
      this.errCum = grow(this.errCum, this.ekCell.length * 2);
    }
    this.errCum[ek * 2]! += 1;
    this.errCum[ek * 2 + 1]! += w;
    for (let k = this.cpT.length - 1; k >= 0 && this.cpT[k]! >= t; k--) {
      let r = this.cpErr[k]!;
      if (r.length < (ek + 1) * 2) {
        const n = new Float64Array(this.ekCell.length * 2);
        n.set(r);
        this.cpErr[k] = n;
        r = n;
      }
      r[ek * 2]! += 1;
      r[ek * 2 + 1]! += w;
    }
  }

  /** Records a checkpoint at T: every cell advanced to T, its cumulative row and the error counters copied. */
  record(T: number): void {
    for (let c = 0; c < this.nCells; c++) this.advanceCell(c, T);
    this.cpT.push(T);
    const n = this.nCells * COLS;
    // Rows are carved out of large blocks: one allocation per few hundred checkpoints.
    if (this.cpBlockUsed + n > this.cpBlock.length) {
      this.cpBlock = new Float64Array(Math.max(n, CP_BLOCK));
      this.cpBlockUsed = 0;
    }
    const row = this.cpBlock.subarray(this.cpBlockUsed, this.cpBlockUsed + n);
    this.cpBlockUsed += n;
    row.set(this.cum.subarray(0, n));
    this.cpRow.push(row);
    this.cpErr.push(this.errCum.slice(0, this.ekCell.length * 2));
  }

  /**
   * A session's latest start moves from cell `from` to cell `to` (its epoch's labels were replaced
   * at the instant it began): its start-log entry and its additive part.
   */
  moveStart(serial: number, startT: number, w: number, from: number, to: number): void {
    for (let i = this.nStarts - 1; i >= 0; i--)
      if (this.stSerial[i] === serial) {
        this.stCell[i] = to;
        const v = this.stV[i]!;
        if (!Number.isNaN(v)) {
          this.startCounters(from, startT, w, v, -1);
          this.startCounters(to, startT, w, v, 1);
        }
        break;
      }
  }

  /** The checkpoint rows at `from` (null: before any event, all zero), interpolated between ticks. */
  rowsAt(from: number): { cells: Float64Array | null; errs: Float64Array | null } {
    if (Number.isNaN(this.firstT) || from < this.firstT) return { cells: null, errs: null };
    const T = this.cpT;
    let lo = 0;
    let hi = T.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (T[mid]! <= from) lo = mid;
      else hi = mid - 1;
    }
    if (T[lo] === from) return { cells: this.cpRow[lo]!, errs: this.cpErr[lo]! };
    // Not a checkpoint: interpolate (counters are approximate there; see the module comment).
    const below = T[lo]! <= from ? lo : -1;
    const above = below + 1;
    const t0 = below >= 0 ? T[below]! : this.firstT;
    const t1 = T[above]!;
    const f = (from - t0) / (t1 - t0);
    const mix = (a: Float64Array | undefined, b: Float64Array): Float64Array => {
      const out = new Float64Array(b.length);
      for (let i = 0; i < b.length; i++) {
        const x = a && i < a.length ? a[i]! : 0;
        out[i] = x + (b[i]! - x) * f;
      }
      return out;
    };
    return {
      cells: mix(below >= 0 ? this.cpRow[below] : undefined, this.cpRow[above]!),
      errs: mix(below >= 0 ? this.cpErr[below] : undefined, this.cpErr[above]!),
    };
  }

  /** Index of the checkpoint at time t (which exists: t is a query time). */
  checkpointIndex(t: number): number {
    const T = this.cpT;
    let lo = 0;
    let hi = T.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (T[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** First start-log index with a time after t. */
  startIndex(t: number): number {
    const T = this.stT;
    let lo = 0;
    let hi = this.nStarts;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (T[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
