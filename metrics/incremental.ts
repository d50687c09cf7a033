/**
 * Incremental QoE aggregation for evaluation on fixed ticks (virtual-time runs): the same metric
 * definitions as {@link MetricEngine} (docs/metrics.md), but a query costs O(cells) instead of a
 * pass over every session's intervals.
 *
 * A *cell* is one distinct full label tuple (region, ISP, device, player, version, channel,
 * variant, DRM, CDN, POP): a few hundred in a scenario. Per cell the aggregator keeps
 *   - cumulative time integrals (watch, stall, playing-with-a-rendition time, bits played),
 *     advanced lazily as rate × elapsed time; a session's state change moves its rate between cells;
 *   - cumulative counters (start attempts, VSF, EBVS, failures, stall starts, starts with their
 *     startup-time sum and histogram, and "closed presence" counts for distinct sessions, below);
 *   - gauges for "now" (viewers, current viewers, rebuffering, current bitrate, open presence).
 * At every checkpoint (each tick of `tickMs`, recorded automatically as events pass the tick and at
 * every query time) the cumulative row of every cell is copied (cells × 26 doubles), so a window sum
 * is `cum(at) − cum(at − windowMs)` over the matching cells. Startup p50/p95 and licence/manifest
 * p50 come from a time-ordered start log, exact weighted nearest-rank like the engine's, and the
 * error distribution from per-(cell, error kind) cumulative counters; these two are computed on
 * first read of the field (see {@link lazy}), as most callers never read them.
 *
 * Late information is applied retroactively: an event older than the latest checkpoint, a session
 * found silent for > staleMs (ended at its last event), an exit before start (counted at the time of
 * the request) or a revived silent session corrects every checkpoint after its time, so checkpoints
 * always agree with what the engine would compute now.
 *
 * Distinct counts (sessions, real sessions, watching sessions) are not additive over cells when a
 * session moves between cells. Per session and cell we keep only the *last* time it was present
 * (or watching) there; a cell counts `open now + closed entries with last time in the window`, and
 * sessions that were in several cells (rare: pathway changes) are de-duplicated per query.
 *
 * Queries must be at the latest time (≥ every ingested event and every earlier query); they throw
 * otherwise. A window whose start is not a checkpoint time (at − windowMs not on the tick grid nor
 * an earlier query time) is interpolated linearly between the neighbouring checkpoints; gauges and
 * quantiles stay exact. Windows longer than `maxWindowMs` may overcount sessions that changed cells.
 * Everything the queries at one time share is worked out once for that time (and ingest state):
 * each window's cell differences (kept sparse), gauge sums per grouping, the cells present, the
 * sessions in several cells; every window that starts before the first event is the same window.
 *
 * Ingestion: most events are heartbeats, which only move a session's last-seen time. Events from a
 * producer that numbers its sessions ({@link HintedSessionEvent}) reach that time by seat, in a
 * small table, without hashing the session id (memory latency dominates ingestion).
 */
import type { PlayerErrorInfo, SessionEvent, SessionEventType, SessionLabels } from '../core/events.ts';
import {
  type EngineOptions,
  type ErrorCount,
  errorGroup,
  LABEL_KEYS,
  type LabelFilter,
  type LabelKey,
  matches,
  type QoeMetrics,
} from './engine.ts';
import { type HistogramBucket, STARTUP_BUCKETS_MS } from './quantiles.ts';

/**
 * A session event that also carries a session hint, in private fields (JSON, spreads,
 * `Object.keys` and equality see exactly a `SessionEvent`), for producers that number their
 * sessions' seats (the population simulator): the seat (`slot`, a small integer) and an `epoch`
 * from {@link HintedSessionEvent.newEpoch}, unique in the process. A producer takes a new epoch for
 * every session and every change of its labels: all events with one epoch carry the same session id
 * and the same label object. {@link IncrementalQoe} checks an epoch's session and labels once, then
 * takes its heartbeats by seat and epoch without hashing the id (memory latency dominates ingestion).
 */
export class HintedSessionEvent implements SessionEvent {
  private static epochs = 0;
  declare sid: string;
  declare type: SessionEventType;
  declare t: number;
  declare labels: SessionLabels;
  declare weight: number;
  declare data?: SessionEvent['data'];
  readonly #slot: number;
  readonly #epoch: number;

  constructor(
    sid: string,
    type: SessionEventType,
    t: number,
    labels: SessionLabels,
    weight: number,
    slot: number,
    epoch: number,
  ) {
    // Same fields in the same order as a literal { sid, type, t, labels, weight } (then data).
    this.sid = sid;
    this.type = type;
    this.t = t;
    this.labels = labels;
    this.weight = weight;
    this.#slot = slot;
    this.#epoch = epoch;
  }

  /** A new epoch (a positive integer): for a new session, or new labels of a session. */
  static newEpoch(): number {
    HintedSessionEvent.epochs = (HintedSessionEvent.epochs % 0x7fffffff) + 1;
    return HintedSessionEvent.epochs;
  }

  /** The event's seat, or -1 for an event without a hint. */
  static slotOf(e: SessionEvent): number {
    return #slot in e ? (e as HintedSessionEvent).#slot : -1;
  }

  /** The event's hint epoch (the event has a hint). */
  static epochOf(e: SessionEvent): number {
    return (e as HintedSessionEvent).#epoch;
  }
}

/** What the drill, the alert adapter and the incident modules need: both engines satisfy it. */
export interface QoeSource {
  snapshot(at: number, options?: { windowMs?: number; filter?: LabelFilter }): QoeMetrics;
  labelValues(key: LabelKey, at: number, windowMs?: number): string[];
}

export interface IncrementalOptions extends EngineOptions {
  /** Evaluation interval: a checkpoint is recorded at every multiple of it. Default 15 s. */
  tickMs?: number;
  /** Longest window answered exactly (de-duplication of sessions that changed cells). Default 6 h. */
  maxWindowMs?: number;
  // retentionMs is accepted and ignored: the whole run is kept (cells × checkpoints; ~13 MB for
  // 360 cells over 45 minutes at 15 s).
}

export interface QoeGroup {
  /** Values of the groupBy labels. */
  labels: Record<string, string>;
  metrics: QoeMetrics;
}

// Cell table: cumulative, checkpointed columns. The first RATES are time integrals (rate × ms).
const WATCH = 0;
const STALL = 1;
const PLAY = 2;
const BITS = 3;
const RATES = 4;
const ATTEMPTS = 4;
const VSF = 5;
const EBVS = 6;
const FAILS = 7;
const STALLS = 8;
const P_CLOSED_W = 9;
const P_CLOSED_N = 10;
const W_CLOSED_W = 11;
/** Starts with a startup time: weighted count, weighted sum, and the histogram (12 buckets). */
const ST_N = 12;
const ST_SUM = 13;
const HIST = 14;
const COLS = HIST + STARTUP_BUCKETS_MS.length + 1;

// Gauges (live only). Each weighted gauge has an unweighted count beside it: when the count drops
// to zero the weighted sum is reset to exactly 0, so float residues never make an empty cell non-empty.
// (gaugeAdd keeps the count of gauge `col` at `col + 1`.)
const G_VIEW = 0;
const G_CUR = 2;
const G_REBUF = 4;
const G_BR_W = 6;
const G_BR_SUM = 7;
const G_BR_N = 8;
const G_P_OPEN_W = 9;
const G_P_OPEN_N = 10;
const G_W_OPEN_W = 11;
const GAUGES = 13;

// Accumulator layout for one group in a query: the COLS window differences, then the gauges.
const ACC = COLS + GAUGES;

const STARTING = 0;
const PLAYING = 1;
const STALLED = 2;
const PAUSED = 3;
const ENDED = 4;

/** Presence kinds: in a cell at all (sessions), and accruing watch time there (watching sessions). */
const PRESENT = 0;
const WATCHING = 1;

/** Fine buckets (16 per octave) that locate a quantile before the exact pass; lower bounds, ms. */
const FINE_BOUNDS: Float64Array = (() => {
  const out = [Number.NEGATIVE_INFINITY];
  for (let e = 0; e < 24; e++) for (let k = 0; k < 16; k++) out.push(2 ** e * (1 + k / 16));
  return Float64Array.from(out);
})();
const FINE = FINE_BOUNDS.length;
/** Fine bucket of an absent value in the start log. */
const NO_VALUE = -1;

function fineBucket(v: number): number {
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
function coarseBucket(v: number): number {
  for (let i = 0; i < STARTUP_BUCKETS_MS.length; i++) if (v <= STARTUP_BUCKETS_MS[i]!) return i;
  return STARTUP_BUCKETS_MS.length;
}

/** Doubles per block of checkpoint rows (1 MB). */
const CP_BLOCK = 1 << 17;

/** Seats at or above this are ignored (the fast table is indexed by seat). */
const MAX_SLOT = 1 << 20;

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

/** A session's presence (or watching) per cell: the last time it left each cell, open = NaN. */
class Track {
  cells: number[] = [];
  last: number[] = [];
  open = -1;
  openedAt = Number.NaN;
  /** The closed entry an open() replaced, restored if the segment turns out to be empty. */
  prev = Number.NaN;
  /** Index in its kind's MultiList, or -1. */
  multiIdx = -1;
}

/** Second most recent time in any cell (open = +Inf): a window starting later sees one cell at most. */
function recent2(tr: Track): number {
  let a = Number.NEGATIVE_INFINITY;
  let b = Number.NEGATIVE_INFINITY;
  for (const l of tr.last) {
    const x = Number.isNaN(l) ? Number.POSITIVE_INFINITY : l;
    if (x > a) {
      b = a;
      a = x;
    } else if (x > b) b = x;
  }
  return b;
}

/** Entries per session kept inline in MultiList (a session in more cells is read from its Track). */
const SLOTS_PER_SESSION = 8;

/**
 * Sessions present (or watching) in more than one cell, flattened into typed arrays (weight, second
 * most recent time, and each cell with the last time there; open = NaN): a query scans them
 * sequentially and skips, without touching the session objects, all that cannot be in two of its
 * cells.
 */
class MultiList {
  sess: Sess[] = [];
  n = 0;
  r2 = new Float64Array(256);
  w = new Float64Array(256);
  count = new Int32Array(256);
  cell = new Int32Array(256 * SLOTS_PER_SESSION);
  last = new Float64Array(256 * SLOTS_PER_SESSION);
  private everyone = new Int32Array(0);

  constructor(private readonly kind: number) {}

  add(s: Sess): void {
    const m = this.n++;
    this.sess.push(s);
    if (m >= this.r2.length) {
      const cap = this.r2.length * 2;
      this.r2 = grow(this.r2, cap);
      this.w = grow(this.w, cap);
      this.count = grow(this.count, cap);
      this.cell = grow(this.cell, cap * SLOTS_PER_SESSION);
      this.last = grow(this.last, cap * SLOTS_PER_SESSION);
    }
    this.w[m] = s.w;
    s.tracks[this.kind]!.multiIdx = m;
    this.update(s.tracks[this.kind]!);
  }

  update(tr: Track): void {
    const m = tr.multiIdx;
    this.r2[m] = recent2(tr);
    const n = tr.cells.length;
    // -1: too many cells to inline, read from the Track.
    this.count[m] = n <= SLOTS_PER_SESSION ? n : -1;
    if (n > SLOTS_PER_SESSION) return;
    const base = m * SLOTS_PER_SESSION;
    for (let i = 0; i < n; i++) {
      this.cell[base + i] = tr.cells[i]!;
      this.last[base + i] = tr.last[i]!;
    }
  }

  /** Drops the sessions with at most one cell after `before`. */
  prune(before: number): void {
    // Two cells at or after `before` (r2 is the second most recent time): nothing to drop.
    let keep = true;
    for (let m = 0; m < this.n && keep; m++) keep = this.r2[m]! >= before;
    if (keep) return;
    const all = this.sess;
    this.sess = [];
    this.n = 0;
    for (const s of all) {
      const tr = s.tracks[this.kind]!;
      let live = 0;
      for (const l of tr.last) if (Number.isNaN(l) || l >= before) live++;
      tr.multiIdx = -1;
      if (live >= 2) this.add(s);
    }
  }

  /** Every session in the list, in list order. */
  all(): Int32Array {
    if (this.everyone.length < this.n) {
      this.everyone = new Int32Array(Math.max(this.n, this.everyone.length * 2));
      for (let m = 0; m < this.everyone.length; m++) this.everyone[m] = m;
    }
    return this.everyone.subarray(0, this.n);
  }

  /** The sessions that can be in two cells of a window starting at `from`, in list order. */
  after(from: number): Int32Array {
    const r2 = this.r2;
    let k = 0;
    for (let m = 0; m < this.n; m++) if (r2[m]! > from) k++;
    const out = new Int32Array(k);
    k = 0;
    for (let m = 0; m < this.n; m++) if (r2[m]! > from) out[k++] = m;
    return out;
  }

  /**
   * Weight to take off each group for sessions counted in several of its cells in a window that
   * starts at `from`: corr[g * stride + offset] += w (and += 1 at offset + 1 when `alsoCount`).
   * `candidates` is `after(from)`.
   */
  correct(
    from: number,
    candidates: Int32Array,
    groupOf: Int32Array,
    corr: Float64Array,
    stride: number,
    offset: number,
    alsoCount: boolean,
  ): void {
    const { w, count, cell, last } = this;
    for (let x = 0; x < candidates.length; x++) {
      const m = candidates[x]!;
      let n = count[m]!;
      let cells: ArrayLike<number> = cell;
      let lasts: ArrayLike<number> = last;
      let base = m * SLOTS_PER_SESSION;
      if (n === 2) {
        // The usual case (one pathway change): counted once more when both cells are in the
        // window and in one group — what the general loop below does for two cells.
        const l0 = last[base]!;
        const l1 = last[base + 1]!;
        if (!(Number.isNaN(l0) || l0 > from) || !(Number.isNaN(l1) || l1 > from)) continue;
        const g = groupOf[cell[base + 1]!]!;
        if (g >= 0 && groupOf[cell[base]!] === g) {
          corr[g * stride + offset]! += w[m]!;
          if (alsoCount) corr[g * stride + offset + 1]! += 1;
        }
        continue;
      }
      if (n < 0) {
        const tr = this.sess[m]!.tracks[this.kind]!;
        cells = tr.cells;
        lasts = tr.last;
        n = tr.cells.length;
        base = 0;
      }
      for (let i = 0; i < n; i++) {
        const li = lasts[base + i]!;
        if (!(Number.isNaN(li) || li > from)) continue; // open (NaN) or left after `from`
        const gi = groupOf[cells[base + i]!]!;
        if (gi < 0) continue;
        for (let j = 0; j < i; j++) {
          const lj = lasts[base + j]!;
          if ((Number.isNaN(lj) || lj > from) && groupOf[cells[base + j]!] === gi) {
            corr[gi * stride + offset]! += w[m]!;
            if (alsoCount) corr[gi * stride + offset + 1]! += 1;
            break;
          }
        }
      }
    }
  }
}

class Sess {
  // (The heartbeat path reads no field of the session: last-seen time, liveness and the label
  // object are in IncrementalQoe's arrays indexed by `serial`.)
  phase = STARTING;
  stale = false;
  readonly w: number;
  readonly serial: number;
  readonly requestT: number;
  reqCell: number;
  epochCell: number;
  startT = Number.NaN;
  failed = false;
  stallA = Number.NaN;
  stallCell = -1;
  stuck = false;
  bitrate = Number.NaN;
  ebvsStale = false;
  epochT: number;
  epochIdx = 0;
  /** Stall starts counted in the current epoch (all at its start time when a same-time relabel moves them). */
  epochStalls = 0;
  // What is applied to the cell table now (cells, -1 = none).
  aPresent = -1;
  aView = -1;
  aCur = -1;
  aRebuf = false;
  aBr = Number.NaN;
  aWatch = -1;
  aStall = -1;
  aPlay = -1;
  aPlayBr = Number.NaN;
  readonly tracks: [Track, Track] = [new Track(), new Track()];
  /** The hint (seat, epoch) whose heartbeats take the fast path to this session, or -1. */
  slot = -1;
  epoch = Number.NaN;

  constructor(serial: number, w: number, requestT: number, cell: number) {
    this.w = w;
    this.serial = serial;
    this.requestT = requestT;
    this.reqCell = cell;
    this.epochCell = cell;
    this.epochT = requestT;
  }
}

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** Rows of a cells x columns table, sparse: row c's non-zero columns and values are [start[c], start[c + 1]). */
interface SparseRows {
  start: Int32Array;
  col: Uint8Array;
  val: Float64Array;
}

function sparseRows(cells: number, cols: number): SparseRows {
  return {
    start: new Int32Array(cells + 1),
    col: new Uint8Array(cells * cols),
    val: new Float64Array(cells * cols),
  };
}

/** Cells grouped by some labels within a filter: group of every cell (-1: outside the filter). */
interface Grouping {
  key: string;
  groupOf: Int32Array;
  groupLabels: Record<string, string>[];
  groupKeys: string[];
}

interface ErrorGroup {
  template: Omit<ErrorCount, 'events' | 'count'>;
}

export class IncrementalQoe implements QoeSource {
  readonly windowMs: number;
  readonly stuckMs: number;
  readonly ebvsMinWaitMs: number;
  readonly staleMs: number;
  readonly tickMs: number;
  readonly maxWindowMs: number;

  private eventCount = 0;
  private version = 0;
  private serial = 0;
  /** Session id → serial of its latest session; per serial: the session, and the heartbeat path's state. */
  private readonly ids = new Map<string, number>();
  private readonly bySerial: Sess[] = [];
  private seen = new Float64Array(1024);
  /** 1 while the session is active and not silent (a heartbeat only updates `seen`). */
  private live = new Uint8Array(1024);
  private readonly labelsOf: SessionLabels[] = [];
  /**
   * The heartbeats' fast path, per seat (see HintedSessionEvent): [epoch, last seen] of the live session
   * whose id and labels were checked for that hint (NaN: none), side by side so a heartbeat touches
   * one cache line; `seen` of that session is the larger of the two (see seenOf). And per seat the
   * serial of that session. A live session is the latest of its id.
   */
  private fast = new Float64Array(0);
  private fastSerial = new Int32Array(0);
  /** Per serial: the seat whose fast entry holds the session (-1: none), and whether it is in the wheel. */
  private slotOf = new Int32Array(1024).fill(-1);
  private inWheel = new Uint8Array(1024);

  // Cells.
  private nCells = 0;
  private cellCap = 64;
  private readonly cellLabels: SessionLabels[] = [];
  private readonly cellIds = new Map<string, number>();
  private readonly labelCache = new WeakMap<SessionLabels, number>();
  private cum = new Float64Array(64 * COLS);
  private rate = new Float64Array(64 * RATES);
  private rateN = new Int32Array(64 * RATES);
  private cellT = new Float64Array(64);
  private gauge = new Float64Array(64 * GAUGES);

  // Time.
  private firstT = Number.NaN;
  private horizon = Number.NEGATIVE_INFINITY;
  private nextGrid = Number.NaN;
  private readonly cpT: number[] = [];
  private readonly cpRow: Float64Array[] = [];
  private cpBlock = new Float64Array(0);
  private cpBlockUsed = 0;
  private readonly cpErr: Float64Array[] = [];
  private checkedAt = Number.NaN;
  private checkedVersion = -1;

  // Errors: one cumulative [events, weighted count] pair per (cell, error kind).
  private readonly errKinds = new Map<string, number>();
  private readonly ekIds = new Map<number, number>();
  private ekCell: number[] = [];
  private ekGroup: number[] = [];
  private readonly errGroupIds = new Map<string, number>();
  private readonly errGroups: ErrorGroup[] = [];
  private errCum = new Float64Array(64 * 2);

  // Start log (time order): startup, licence, manifest times with their cell and weight.
  private nStarts = 0;
  private stT = new Float64Array(1024);
  private stCell = new Int32Array(1024);
  private stSerial = new Int32Array(1024);
  private stW = new Float64Array(1024);
  private stV = new Float64Array(1024);
  private stL = new Float64Array(1024);
  private stM = new Float64Array(1024);
  private stFb = new Int32Array(1024);
  private stLb = new Int32Array(1024);
  private stMb = new Int32Array(1024);

  // Sessions to check: stalled ones (stuck after stuckMs) and a wheel of last-seen times (stale).
  private readonly stalled = new Set<Sess>();
  /** Serials of sessions by the second of their last-seen time (checked lazily). */
  private readonly wheel = new Map<number, number[]>();
  private wheelMin = Number.POSITIVE_INFINITY;
  private static readonly WHEEL_MS = 1000;
  /** Sessions present (or watching) in more than one cell: de-duplicated per query. */
  private readonly multi: [MultiList, MultiList] = [new MultiList(PRESENT), new MultiList(WATCHING)];

  /** Set while a same-time relabel replaces an epoch's labels (its presence there never happened). */
  private replacingEpoch = false;

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

  constructor(options: IncrementalOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.stuckMs = options.stuckMs ?? 300_000;
    this.ebvsMinWaitMs = options.ebvsMinWaitMs ?? 1000;
    this.staleMs = options.staleMs ?? 60_000;
    this.tickMs = options.tickMs ?? 15_000;
    this.maxWindowMs = options.maxWindowMs ?? 6 * 3_600_000;
    if (!(this.tickMs > 0)) throw new Error('IncrementalQoe: tickMs must be > 0');
  }

  get ingested(): number {
    return this.eventCount;
  }

  /** The latest time ingested or queried (-Infinity before any event): queries must be at or after it. */
  get latest(): number {
    const cp = this.cpT.length > 0 ? this.cpT[this.cpT.length - 1]! : Number.NEGATIVE_INFINITY;
    return Math.max(this.horizon, cp);
  }

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

  // ------------------------------------------------------------------ cells and the cell table

  private cellOf(l: SessionLabels): number {
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

  private now(): number {
    const cp = this.cpT.length > 0 ? this.cpT[this.cpT.length - 1]! : Number.NEGATIVE_INFINITY;
    const t = Math.max(this.horizon, cp);
    return Number.isFinite(t) ? t : 0;
  }

  /** Checkpoint row k, grown to hold cell c (cells created after it was recorded read as zero). */
  private row(k: number, c: number): Float64Array {
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
  private count(c: number, col: number, t: number, d: number): void {
    this.cum[c * COLS + col]! += d;
    for (let k = this.cpT.length - 1; k >= 0 && this.cpT[k]! >= t; k--) this.row(k, c)[c * COLS + col]! += d;
  }

  private advanceCell(c: number, t: number): void {
    const dt = t - this.cellT[c]!;
    if (dt > 0) {
      const r = c * RATES;
      const o = c * COLS;
      for (let j = 0; j < RATES; j++) this.cum[o + j]! += this.rate[r + j]! * dt;
      this.cellT[c] = t;
    }
  }

  /** Changes a rate from time t on (retroactively when t is before the cell's clock). */
  private addRate(c: number, col: number, t: number, d: number, n: number): void {
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

  private gaugeAdd(c: number, col: number, d: number, n: number): void {
    const g = this.gauge;
    const o = c * GAUGES;
    g[o + col]! += d;
    g[o + col + 1]! += n;
    if (g[o + col + 1] === 0) g[o + col] = 0;
  }

  // ------------------------------------------------------------------ presence tracks

  private openTrack(s: Sess, kind: number, c: number, t: number): void {
    const tr = s.tracks[kind]!;
    let idx = tr.cells.indexOf(c);
    let prev = Number.NaN;
    if (idx >= 0) {
      prev = tr.last[idx]!;
      if (!Number.isNaN(prev)) this.closedCount(kind, c, prev, -s.w);
    } else {
      idx = tr.cells.length;
      tr.cells.push(c);
      tr.last.push(Number.NaN);
    }
    if (tr.cells.length >= 2 && tr.multiIdx < 0) this.multi[kind]!.add(s);
    tr.last[idx] = Number.NaN;
    tr.open = c;
    tr.openedAt = t;
    tr.prev = prev;
    if (tr.multiIdx >= 0) this.multi[kind]!.update(tr);
    this.gaugeAdd(c, kind === PRESENT ? G_P_OPEN_W : G_W_OPEN_W, s.w, 1);
  }

  /**
   * Leaves the open cell at t. An empty stay (t at its opening) leaves no trace when it must not
   * count: watching needs positive watch time, and an epoch whose labels were replaced at the same
   * instant never existed for the engine. (A session that ends at its request instant does count.)
   */
  private closeTrack(s: Sess, kind: number, t: number): void {
    const tr = s.tracks[kind]!;
    const c = tr.open;
    if (c < 0) return;
    const idx = tr.cells.indexOf(c);
    this.gaugeAdd(c, kind === PRESENT ? G_P_OPEN_W : G_W_OPEN_W, -s.w, -1);
    tr.open = -1;
    if (t <= tr.openedAt && (kind === WATCHING || this.replacingEpoch)) {
      if (Number.isNaN(tr.prev)) {
        tr.cells.splice(idx, 1);
        tr.last.splice(idx, 1);
      } else {
        tr.last[idx] = tr.prev;
        this.closedCount(kind, c, tr.prev, s.w);
      }
    } else {
      tr.last[idx] = t;
      this.closedCount(kind, c, t, s.w);
    }
    if (tr.multiIdx >= 0) this.multi[kind]!.update(tr);
  }

  private closedCount(kind: number, c: number, t: number, w: number): void {
    if (kind === PRESENT) {
      this.count(c, P_CLOSED_W, t, w);
      this.count(c, P_CLOSED_N, t, w > 0 ? 1 : -1);
    } else this.count(c, W_CLOSED_W, t, w);
  }

  // ------------------------------------------------------------------ per-session attribution

  /**
   * Brings the cell table in line with the session's state from time t on: rates (watch, stall,
   * playing, bits), gauges (viewers, current, rebuffering, bitrate) and presence. Every state change
   * goes through here, so what is applied is always what the state says.
   */
  private sync(s: Sess, t: number): void {
    const w = s.w;
    const active = s.phase !== ENDED && !s.stale;
    const stalled = active && s.phase === STALLED;
    // A viewer stalled now counts where its stall began (docs/metrics.md).
    const view = active ? (stalled ? s.stallCell : s.epochCell) : -1;
    const cur = active && !Number.isNaN(s.startT) && s.phase !== PAUSED && !(stalled && s.stuck) ? view : -1;
    const rebuf = cur >= 0 && stalled;
    const br = cur >= 0 ? s.bitrate : Number.NaN;
    const watch = stalled ? s.stallCell : active && s.phase === PLAYING ? s.epochCell : -1;
    const stall = stalled ? s.stallCell : -1;
    const play = active && s.phase === PLAYING && !Number.isNaN(s.bitrate) ? s.epochCell : -1;
    const playBr = play >= 0 ? s.bitrate : Number.NaN;
    const present = active ? s.epochCell : -1;

    if (view !== s.aView) {
      if (s.aView >= 0) this.gaugeAdd(s.aView, G_VIEW, -w, -1);
      if (view >= 0) this.gaugeAdd(view, G_VIEW, w, 1);
      s.aView = view;
    }
    if (
      cur === s.aCur &&
      rebuf === s.aRebuf &&
      cur >= 0 &&
      br !== s.aBr &&
      !Number.isNaN(br) &&
      !Number.isNaN(s.aBr)
    ) {
      // Only the rendition changed (the common case): adjust the bitrate sum in place.
      this.gauge[cur * GAUGES + G_BR_SUM]! += w * (br - s.aBr);
      s.aBr = br;
    } else if (cur !== s.aCur || rebuf !== s.aRebuf || !Object.is(br, s.aBr)) {
      if (s.aCur >= 0) {
        this.gaugeAdd(s.aCur, G_CUR, -w, -1);
        if (s.aRebuf) this.gaugeAdd(s.aCur, G_REBUF, -w, -1);
        if (!Number.isNaN(s.aBr)) this.brAdd(s.aCur, -w, s.aBr, -1);
      }
      if (cur >= 0) {
        this.gaugeAdd(cur, G_CUR, w, 1);
        if (rebuf) this.gaugeAdd(cur, G_REBUF, w, 1);
        if (!Number.isNaN(br)) this.brAdd(cur, w, br, 1);
      }
      s.aCur = cur;
      s.aRebuf = rebuf;
      s.aBr = br;
    }
    if (watch !== s.aWatch) {
      if (s.aWatch >= 0) this.addRate(s.aWatch, WATCH, t, -w, -1);
      if (watch >= 0) this.addRate(watch, WATCH, t, w, 1);
      // The watching track follows the watch-time cell.
      this.closeTrack(s, WATCHING, t);
      if (watch >= 0) this.openTrack(s, WATCHING, watch, t);
      s.aWatch = watch;
    }
    if (stall !== s.aStall) {
      if (s.aStall >= 0) this.addRate(s.aStall, STALL, t, -w, -1);
      if (stall >= 0) this.addRate(stall, STALL, t, w, 1);
      s.aStall = stall;
    }
    if (play === s.aPlay && play >= 0 && playBr !== s.aPlayBr) {
      this.addRate(play, BITS, t, (w * (playBr - s.aPlayBr)) / 1000, 0);
      s.aPlayBr = playBr;
    } else if (play !== s.aPlay || !Object.is(playBr, s.aPlayBr)) {
      if (s.aPlay >= 0) {
        this.addRate(s.aPlay, PLAY, t, -w, -1);
        this.addRate(s.aPlay, BITS, t, (-w * s.aPlayBr) / 1000, -1);
      }
      if (play >= 0) {
        this.addRate(play, PLAY, t, w, 1);
        this.addRate(play, BITS, t, (w * playBr) / 1000, 1);
      }
      s.aPlay = play;
      s.aPlayBr = playBr;
    }
    if (present !== s.aPresent) {
      this.closeTrack(s, PRESENT, t);
      if (present >= 0) this.openTrack(s, PRESENT, present, t);
      s.aPresent = present;
    }
  }

  private brAdd(c: number, w: number, bitrate: number, n: number): void {
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

  // ------------------------------------------------------------------ ingest

  /** Applies one event. Events of one session must come in order; the stream should be in time order. */
  ingest(e: SessionEvent): void {
    this.eventCount++;
    this.version++;
    const t = e.t;
    if (t > this.horizon) {
      if (Number.isNaN(this.firstT)) {
        this.firstT = t;
        this.nextGrid = Math.ceil(t / this.tickMs) * this.tickMs;
      }
      // Ticks this event has passed: record them before it changes anything.
      while (this.nextGrid < t) {
        this.record(this.nextGrid);
        this.nextGrid += this.tickMs;
      }
      this.horizon = t;
    }
    // The session: the hint of a live session's current labels names it; otherwise look its id up.
    const seat = HintedSessionEvent.slotOf(e);
    const epoch = seat >= 0 ? HintedSessionEvent.epochOf(e) : 0;
    // (Epochs from newEpoch are positive.)
    const slot = epoch > 0 ? seat : -1;
    const fast = this.fast;
    const hinted = slot >= 0 && slot * 2 < fast.length && fast[slot * 2] === epoch;
    // Most events are heartbeats of a live session: they only prove it is alive. This path touches
    // no session object (memory latency dominates ingestion).
    if (hinted && e.type === 'heartbeat') {
      if (t > fast[slot * 2 + 1]!) fast[slot * 2 + 1] = t;
      return;
    }
    const id = hinted ? this.fastSerial[slot]! : this.ids.get(e.sid);
    if (id !== undefined && e.type === 'heartbeat' && this.live[id] === 1 && this.labelsOf[id] === e.labels) {
      this.saw(this.bySerial[id]!, t);
      return;
    }
    let s = id === undefined ? undefined : this.bySerial[id];
    if (!s || e.type === 'playbackRequest') {
      if (s && s.phase !== ENDED) {
        if (s.stale) this.revive(s);
        this.end(s, t);
      }
      const c = this.cellOf(e.labels);
      s = this.newSession(e.sid, e.weight > 0 ? e.weight : 1, t, c, e.labels);
      this.count(c, ATTEMPTS, t, s.w);
      this.sync(s, t);
      this.toWheel(s.serial);
      // An event of an unknown session counts as its request (as in the engine), then applies.
      if (e.type === 'playbackRequest') {
        if (slot >= 0) this.hint(s, slot, epoch);
        return;
      }
    } else if (s.phase === ENDED) {
      // After the end only late error details still count (in the error distribution).
      if (e.type === 'playerError' && e.data?.error)
        this.logError(this.cellOf(e.labels), s.w, t, e.data.error);
      return;
    }
    if (s.stale) this.revive(s);
    this.saw(s, t);
    if (e.labels !== this.labelsOf[s.serial]) this.relabel(s, e.labels, t);
    // The session is live and carries this hint's labels: its next heartbeats can take the fast path.
    if (slot >= 0 && !hinted) this.hint(s, slot, epoch);
    switch (e.type) {
      case 'playbackStart':
        if (!Number.isNaN(s.startT)) break;
        s.startT = t;
        s.phase = PLAYING;
        this.logStart(s, t, e.data);
        this.sync(s, t);
        break;
      case 'playbackStall':
        // Startup buffering is not a stall; neither is buffering while paused.
        if (Number.isNaN(s.startT) || s.phase === STALLED || s.phase === PAUSED) break;
        s.phase = STALLED;
        s.stallA = t;
        s.stallCell = s.epochCell;
        s.stuck = false;
        s.epochStalls++;
        this.count(s.epochCell, STALLS, t, s.w);
        this.stalled.add(s);
        this.sync(s, t);
        break;
      case 'playbackStallEnd':
        if (s.phase !== STALLED) break;
        s.phase = PLAYING;
        s.stuck = false;
        this.stalled.delete(s);
        this.sync(s, t);
        break;
      case 'playbackPause':
        if (Number.isNaN(s.startT) || s.phase === PAUSED) break;
        if (s.phase === STALLED) this.stalled.delete(s);
        s.phase = PAUSED;
        s.stuck = false;
        this.sync(s, t);
        break;
      case 'playbackResume':
        if (s.phase !== PAUSED) break;
        s.phase = PLAYING;
        this.sync(s, t);
        break;
      case 'renditionUpdate':
        if (e.data?.bitrate === undefined) break;
        s.bitrate = e.data.bitrate;
        this.sync(s, t);
        break;
      case 'playerError':
        // The session carries these labels now: its epoch's cell is theirs.
        if (e.data?.error) this.logError(s.epochCell, s.w, t, e.data.error);
        break;
      case 'playbackFail':
        s.failed = true;
        this.count(s.epochCell, FAILS, t, s.w);
        // A video start failure belongs to the window of its request (docs/metrics.md).
        if (Number.isNaN(s.startT)) this.count(s.reqCell, VSF, s.requestT, s.w);
        this.end(s, t);
        break;
      case 'playbackExit':
      case 'playbackFinish':
        this.end(s, t);
        break;
      default:
        break;
    }
  }

  private newSession(sid: string, w: number, t: number, cell: number, labels: SessionLabels): Sess {
    const n = this.serial++;
    const s = new Sess(n, w, t, cell);
    if (n >= this.seen.length) {
      this.seen = grow(this.seen, n + 1);
      const cap = this.seen.length;
      const live = new Uint8Array(cap);
      live.set(this.live);
      this.live = live;
      const inWheel = new Uint8Array(cap);
      inWheel.set(this.inWheel);
      this.inWheel = inWheel;
      const slotOf = new Int32Array(cap).fill(-1);
      slotOf.set(this.slotOf);
      this.slotOf = slotOf;
    }
    this.ids.set(sid, n);
    this.bySerial[n] = s;
    this.seen[n] = t;
    this.labelsOf[n] = labels;
    this.live[n] = 1;
    return s;
  }

  /** The session's last-seen time: in its fast entry while it has one, else in `seen`. */
  private seenOf(s: Sess): number {
    const k = s.slot * 2;
    return k >= 0 ? this.fast[k + 1]! : this.seen[s.serial]!;
  }

  /** Moves the session's last-seen time to t if that is later. */
  private saw(s: Sess, t: number): void {
    const k = s.slot * 2;
    if (k >= 0) {
      if (t > this.fast[k + 1]!) this.fast[k + 1] = t;
    } else if (t > this.seen[s.serial]!) this.seen[s.serial] = t;
  }

  /**
   * Gives a live session, whose id and labels an event of this hint just carried, the fast path
   * for the hint's heartbeats (taking the seat from the session that had it, if any).
   */
  private hint(s: Sess, slot: number, epoch: number): void {
    if (slot >= MAX_SLOT) return;
    this.unhint(s);
    if (slot * 2 >= this.fast.length) {
      const cap = Math.max(slot + 1, this.fastSerial.length * 2, 1024);
      const fast = new Float64Array(cap * 2).fill(Number.NaN);
      fast.set(this.fast);
      this.fast = fast;
      const serial = new Int32Array(cap);
      serial.set(this.fastSerial);
      this.fastSerial = serial;
    }
    const other = this.bySerial[this.fastSerial[slot]!];
    if (other && other.slot === slot) this.unhint(other);
    this.fast[slot * 2] = epoch;
    this.fast[slot * 2 + 1] = this.seen[s.serial]!;
    this.fastSerial[slot] = s.serial;
    this.slotOf[s.serial] = slot;
    s.slot = slot;
    s.epoch = epoch;
  }

  /** Ends the session's fast path (it ended, went silent, or carries other labels or another hint). */
  private unhint(s: Sess): void {
    if (s.slot < 0) return;
    const k = s.slot * 2;
    this.seen[s.serial] = this.fast[k + 1]!;
    this.fast[k] = Number.NaN;
    this.slotOf[s.serial] = -1;
    s.slot = -1;
    s.epoch = Number.NaN;
  }

  private end(s: Sess, t: number): void {
    s.phase = ENDED;
    this.live[s.serial] = 0;
    this.unhint(s);
    this.stalled.delete(s);
    this.sync(s, t);
    if (this.isEbvs(s, t)) this.count(s.reqCell, EBVS, s.requestT, s.w);
  }

  /** Exit before video start: ended before the first frame, without a fatal error, after ≥ 1 s. */
  private isEbvs(s: Sess, end: number): boolean {
    return Number.isNaN(s.startT) && !s.failed && end - s.requestT >= this.ebvsMinWaitMs;
  }

  private relabel(s: Sess, labels: SessionLabels, t: number): void {
    // The fast path took heartbeats with the old labels only.
    this.unhint(s);
    this.labelsOf[s.serial] = labels;
    const c = this.cellOf(labels);
    if (c === s.epochCell) return;
    if (t > s.epochT) {
      s.epochCell = c;
      s.epochT = t;
      s.epochIdx++;
      s.epochStalls = 0;
      this.sync(s, t);
      return;
    }
    // Same instant as the epoch's start: the engine replaces the epoch's labels, so whatever was
    // attributed to it (all at that instant) moves to the new cell.
    const old = s.epochCell;
    const te = s.epochT;
    if (s.epochIdx === 0) {
      this.count(old, ATTEMPTS, s.requestT, -s.w);
      this.count(c, ATTEMPTS, s.requestT, s.w);
      s.reqCell = c;
    }
    if (s.epochStalls > 0) {
      this.count(old, STALLS, te, -s.w * s.epochStalls);
      this.count(c, STALLS, te, s.w * s.epochStalls);
    }
    if (s.startT >= te) {
      for (let i = this.nStarts - 1; i >= 0; i--)
        if (this.stSerial[i] === s.serial) {
          this.stCell[i] = c;
          const v = this.stV[i]!;
          if (!Number.isNaN(v)) {
            this.startCounters(old, s.startT, s.w, v, -1);
            this.startCounters(c, s.startT, s.w, v, 1);
          }
          break;
        }
    }
    if (s.phase === STALLED && s.stallA >= te) s.stallCell = c;
    s.epochCell = c;
    this.replacingEpoch = true;
    this.sync(s, te);
    this.replacingEpoch = false;
  }

  private logStart(s: Sess, t: number, data: SessionEvent['data']): void {
    const startup =
      data?.startupMs !== undefined ? data.startupMs : s.requestT < t ? t - s.requestT : Number.NaN;
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
    if (!Number.isNaN(startup)) this.startCounters(s.epochCell, t, s.w, startup, 1);
    this.stT[i] = t;
    this.stCell[i] = s.epochCell;
    this.stSerial[i] = s.serial;
    this.stW[i] = s.w;
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
  private startCounters(c: number, t: number, w: number, startup: number, sign: number): void {
    this.count(c, ST_N, t, sign * w);
    this.count(c, ST_SUM, t, sign * w * startup);
    this.count(c, HIST + coarseBucket(startup), t, sign * w);
  }

  private logError(c: number, w: number, t: number, x: PlayerErrorInfo): void {
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

  // ------------------------------------------------------------------ stale and stuck sessions

  /** Session `n`'s last-seen time (seenOf by serial, without touching the session object). */
  private seenAt(n: number): number {
    const slot = this.slotOf[n]!;
    return slot >= 0 ? this.fast[slot * 2 + 1]! : this.seen[n]!;
  }

  private toWheel(n: number): void {
    const b = Math.floor(this.seenAt(n) / IncrementalQoe.WHEEL_MS);
    let list = this.wheel.get(b);
    if (!list) {
      list = [];
      this.wheel.set(b, list);
    }
    list.push(n);
    this.inWheel[n] = 1;
    if (b < this.wheelMin) this.wheelMin = b;
  }

  /** Silent for > staleMs at `at`: ended at its last event, retroactively. */
  private checkStale(at: number): void {
    const limit = at - this.staleMs;
    const last = Math.floor(limit / IncrementalQoe.WHEEL_MS);
    for (let b = this.wheelMin; b <= last; b++) {
      const list = this.wheel.get(b);
      if (!list) continue;
      this.wheel.delete(b);
      for (const n of list) {
        this.inWheel[n] = 0;
        // Ended or already silent (live is 0 exactly then).
        if (this.live[n] === 0) continue;
        if (this.seenAt(n) < limit) this.markStale(this.bySerial[n]!);
        else this.toWheel(n);
      }
    }
    // Every session left is in the bucket holding `limit` or later.
    if (last >= this.wheelMin) this.wheelMin = last;
  }

  private markStale(s: Sess): void {
    const L = this.seenOf(s);
    s.stale = true;
    this.live[s.serial] = 0;
    this.unhint(s);
    this.sync(s, L);
    if (this.isEbvs(s, L)) {
      this.count(s.reqCell, EBVS, s.requestT, s.w);
      s.ebvsStale = true;
    }
  }

  /** A silent session spoke again: it was never ended (the engine re-derives staleness per query). */
  private revive(s: Sess): void {
    s.stale = false;
    if (s.ebvsStale) {
      this.count(s.reqCell, EBVS, s.requestT, -s.w);
      s.ebvsStale = false;
    }
    this.live[s.serial] = 1;
    this.sync(s, this.seen[s.serial]!);
    if (this.inWheel[s.serial] === 0) this.toWheel(s.serial);
  }

  private checkStuck(at: number): void {
    for (const s of this.stalled) {
      if (s.phase !== STALLED) {
        this.stalled.delete(s);
        continue;
      }
      if (!s.stuck && !s.stale && at - s.stallA > this.stuckMs) {
        s.stuck = true;
        this.sync(s, at);
      }
    }
  }

  // ------------------------------------------------------------------ checkpoints

  private record(T: number): void {
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
    // Forget cell changes older than the longest window: they can no longer be double counted.
    if (this.cpT.length % 64 === 0) this.pruneMulti(T - this.maxWindowMs);
  }

  private pruneMulti(before: number): void {
    this.multi[PRESENT].prune(before);
    this.multi[WATCHING].prune(before);
  }

  /**
   * Brings everything to time `at` (a tick of the evaluation): records the ticks passed, ends silent
   * sessions, marks stuck viewers, and records a checkpoint at `at`. Calling it is optional: every
   * query does it, and ticks are recorded as events pass them.
   */
  tick(at: number): void {
    if (at < this.horizon)
      throw new Error(
        `IncrementalQoe: time ${at} is before the latest event (${this.horizon}); queries must be at the latest time`,
      );
    const lastCp = this.cpT.length > 0 ? this.cpT[this.cpT.length - 1]! : Number.NEGATIVE_INFINITY;
    if (at < lastCp)
      throw new Error(
        `IncrementalQoe: time ${at} is before the latest checkpoint (${lastCp}); time only moves forward`,
      );
    if (at === this.checkedAt && this.version === this.checkedVersion) return;
    if (Number.isNaN(this.firstT)) return;
    this.checkStale(at);
    this.checkStuck(at);
    while (this.nextGrid <= at) {
      this.record(this.nextGrid);
      this.nextGrid += this.tickMs;
    }
    if (this.cpT[this.cpT.length - 1] !== at) this.record(at);
    this.checkedAt = at;
    this.checkedVersion = this.version;
  }

  /** The checkpoint rows at `from` (null: before any event, all zero), interpolated between ticks. */
  private rowsAt(from: number): { cells: Float64Array | null; errs: Float64Array | null } {
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

  // ------------------------------------------------------------------ queries

  /** Metrics over the window (at − windowMs, at] for the sessions matching `filter`. */
  snapshot(at: number, options: { windowMs?: number; filter?: LabelFilter } = {}): QoeMetrics {
    const windowMs = options.windowMs ?? this.windowMs;
    const filter = options.filter ?? {};
    const keys = Object.keys(filter).filter((k) => filter[k as LabelKey] !== undefined) as LabelKey[];
    // A filter on one label value is answered from the grouping by that label (memoised per tick),
    // so slicing by a label costs one pass for all its values.
    if (keys.length === 1 && typeof filter[keys[0]!] === 'string') {
      const key = keys[0]!;
      const value = filter[key] as string;
      const groups = this.compute(at, windowMs, {}, [key]);
      return groups.get(value)?.metrics ?? this.empty(at, windowMs);
    }
    const groups = this.compute(at, windowMs, filter, []);
    return groups.get('')?.metrics ?? this.empty(at, windowMs);
  }

  /**
   * Metrics per combination of the `groupBy` labels present in the window (sessions active there),
   * within `filter`: one O(cells) pass for all groups.
   */
  groups(
    at: number,
    windowMs: number,
    filter: LabelFilter = {},
    groupBy: readonly LabelKey[] = [],
  ): QoeGroup[] {
    const out: QoeGroup[] = [];
    for (const g of this.compute(at, windowMs, filter, groupBy).values())
      if (g.metrics.realSessions > 0) out.push(g);
    return out.sort((a, b) => {
      for (const k of groupBy) {
        const c = a.labels[k]!.localeCompare(b.labels[k]!);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

  /** The window's metrics for every value of one label (e.g. per POP), within an optional filter. */
  slice(
    key: LabelKey,
    at: number,
    options: { windowMs?: number; filter?: LabelFilter } = {},
  ): Record<string, QoeMetrics> {
    const out: Record<string, QoeMetrics> = {};
    for (const v of this.labelValues(key, at, options.windowMs)) {
      out[v] = this.snapshot(at, { ...options, filter: { ...options.filter, [key]: v } });
    }
    return out;
  }

  /** Distinct values a label took in the window (sessions active there), sorted. */
  labelValues(key: LabelKey, at: number, windowMs = this.windowMs): string[] {
    this.tick(at);
    this.freshMemo(at);
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
    if (idx.of.length < this.nCells) {
      const of = new Int32Array(this.nCells);
      of.set(idx.of);
      for (let c = idx.of.length; c < this.nCells; c++) {
        const v = this.cellLabels[c]![key];
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
  labelCombos(keys: readonly LabelKey[], at: number, windowMs = this.windowMs): string[][] {
    const seen = new Map<string, string[]>();
    this.forPresentCells(at, windowMs, (c) => {
      const combo = keys.map((k) => this.cellLabels[c]![k]);
      seen.set(combo.join('\u0000'), combo);
    });
    return [...seen.values()].sort((a, b) => a.join('/').localeCompare(b.join('/')));
  }

  private forPresentCells(at: number, windowMs: number, fn: (c: number) => void): void {
    this.tick(at);
    if (Number.isNaN(this.firstT)) return;
    this.freshMemo(at);
    let cells = this.present.get(windowMs);
    if (!cells) {
      const A = this.cpRow[this.cpRow.length - 1]!;
      const F = this.rowsAt(at - windowMs).cells;
      const list: number[] = [];
      for (let c = 0; c < this.nCells; c++) {
        const i = c * COLS + P_CLOSED_N;
        const closed = (A[i] ?? 0) - (F && i < F.length ? F[i]! : 0);
        if (this.gauge[c * GAUGES + G_P_OPEN_N]! > 0 || closed > 0.5) list.push(c);
      }
      cells = Int32Array.from(list);
      this.present.set(windowMs, cells);
    }
    for (let x = 0; x < cells.length; x++) fn(cells[x]!);
  }

  /** Drops the query memo when time or the ingested events moved on (call after tick(at)). */
  private freshMemo(at: number): void {
    if (this.memoAt === at && this.memoVersion === this.version) return;
    this.memo.clear();
    this.diffs.clear();
    this.multiAfter.clear();
    this.gaugeSums.clear();
    this.gaugeMemo = undefined;
    this.sumsMemo.clear();
    this.present.clear();
    this.labelValueMemo.clear();
    this.memoAt = at;
    this.memoVersion = this.version;
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
    const nCells = this.nCells;
    // Buffers are reused from one query time to the next, per window length.
    const windowMs = at - from;
    D = this.diffPool.get(windowMs);
    if (!D || D.start.length < nCells + 1) {
      D = sparseRows(Math.max(nCells, this.cellCap), COLS);
      this.diffPool.set(windowMs, D);
    }
    const { start, col, val } = D;
    const A = this.cpRow[this.cpRow.length - 1]!;
    const F = this.rowsAt(from).cells;
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
    const nCells = this.nCells;
    let D = this.gaugePool;
    if (!D || D.start.length < nCells + 1) {
      D = sparseRows(Math.max(nCells, this.cellCap), GAUGES);
      this.gaugePool = D;
    }
    const { start, col, val } = D;
    const gauge = this.gauge;
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

  private empty(at: number, windowMs: number): QoeMetrics {
    const none = () => null;
    return this.build(at, windowMs, new Float64Array(ACC), 0, 0, 0, none, none, none, none, () => []);
  }

  private compute(
    at: number,
    windowMs: number,
    filter: LabelFilter,
    keys: readonly LabelKey[],
  ): Map<string, QoeGroup> {
    this.tick(at);
    this.freshMemo(at);
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
    if (hit && hit.groupOf.length === this.nCells) return hit;
    const nCells = this.nCells;
    const groupOf = new Int32Array(nCells).fill(-1);
    const groupIds = new Map<string, number>();
    const groupLabels: Record<string, string>[] = [];
    const groupKeys: string[] = [];
    const hasFilter = Object.keys(filter).length > 0;
    for (let c = 0; c < nCells; c++) {
      const l = this.cellLabels[c]!;
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
    for (let c = 0; c < this.nCells; c++) {
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
    const nCells = this.nCells;
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
    return from < this.firstT ? Number.NEGATIVE_INFINITY : from;
  }

  private computeGroups(
    at: number,
    windowMs: number,
    filter: LabelFilter,
    keys: readonly LabelKey[],
  ): Map<string, QoeGroup> {
    const out = new Map<string, QoeGroup>();
    if (Number.isNaN(this.firstT)) return out;
    const from = at - windowMs;

    const grouping = this.grouping(filter, keys);
    const { groupOf, groupLabels, groupKeys } = grouping;
    const G = groupLabels.length;
    const { acc, corr } = this.sums(at, from, grouping);

    // Order statistics and the error list are computed on first access, for all groups at once.
    let st: ReturnType<IncrementalQoe['startStats']> | undefined;
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
    const i0 = this.startIndex(from);
    const i1 = this.startIndex(at);
    if (i1 === i0) return out;
    const cellOf = this.stCell;
    const W = this.stW;
    const V = this.stV;
    const FB = this.stFb;
    const LB = this.stLb;
    const MB = this.stMb;
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
    const vals = [V, V, this.stL, this.stM];
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

  /** Index of the checkpoint at time t (which exists: t is a query time). */
  private checkpointIndex(t: number): number {
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
  private startIndex(t: number): number {
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

  /** The error distribution per group: (cell, error kind) counters over the window. */
  private errorStats(from: number, at: number, groupOf: Int32Array, G: number): ErrorCount[][] {
    const out: ErrorCount[][] = [];
    const nEk = this.ekCell.length;
    if (nEk === 0) return out;
    const E = this.cpErr[this.checkpointIndex(at)]!;
    const FE = this.rowsAt(from).errs;
    const nFe = FE ? FE.length : 0;
    const NG = this.errGroups.length;
    const events = new Float64Array(G * NG);
    const counts = new Float64Array(G * NG);
    for (let ek = 0; ek < nEk; ek++) {
      const g = groupOf[this.ekCell[ek]!]!;
      if (g < 0) continue;
      const i = ek * 2;
      const ev = (E[i] ?? 0) - (i < nFe ? FE![i]! : 0);
      if (!(ev > 0.5)) continue;
      const k = g * NG + this.ekGroup[ek]!;
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
            { ...this.errGroups[eg]!.template, events: Math.round(ev), count: counts[g * NG + eg]! },
          ]);
      }
      // Ties keep the order the error kinds were first seen (the engine: first seen in the window).
      out[g] = list.sort((a, b) => b[1].count - a[1].count || a[0] - b[0]).map(([, c]) => c);
    }
    return out;
  }
}
