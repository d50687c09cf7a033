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
 *
 * This module is the session state machine (ingest, attribution to cells, stale and stuck
 * sessions, ticks) and the public API; `incremental/store.ts` holds the cell table, checkpoints,
 * start log and error counters; `incremental/queries.ts` answers windows from them;
 * `incremental/presence.ts` tracks sessions present in several cells; `incremental/layout.ts`
 * names the columns.
 */
import type { SessionEvent, SessionLabels } from '../core/events.ts';
import type { EngineOptions, LabelFilter, LabelKey, QoeMetrics } from './engine.ts';
import { HintedSessionEvent } from './incremental/hinted-event.ts';
import {
  ATTEMPTS,
  BITS,
  EBVS,
  ENDED,
  FAILS,
  G_BR_SUM,
  G_CUR,
  G_P_OPEN_W,
  G_REBUF,
  G_VIEW,
  G_W_OPEN_W,
  GAUGES,
  grow,
  MAX_SLOT,
  P_CLOSED_N,
  P_CLOSED_W,
  PAUSED,
  PLAY,
  PLAYING,
  PRESENT,
  STALL,
  STALLED,
  STALLS,
  STARTING,
  VSF,
  W_CLOSED_W,
  WATCH,
  WATCHING,
} from './incremental/layout.ts';
import { MultiList, Track, type Tracked } from './incremental/presence.ts';
import { type QoeGroup, QoeQueries } from './incremental/queries.ts';
import { CellStore } from './incremental/store.ts';

export { HintedSessionEvent, type QoeGroup };

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

class Sess implements Tracked {
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

  /** The cell table, checkpoints, start log and error counters. */
  private readonly store = new CellStore();

  // Time: the next tick of the grid to record, and the last time everything was brought to.
  private nextGrid = Number.NaN;
  private checkedAt = Number.NaN;
  private checkedVersion = -1;

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

  /** The queries, which bring the engine to their time first. */
  private readonly queries = new QoeQueries(this.store, this.multi, (at) => {
    this.tick(at);
    return this.version;
  });

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
    const cp =
      this.store.cpT.length > 0 ? this.store.cpT[this.store.cpT.length - 1]! : Number.NEGATIVE_INFINITY;
    return Math.max(this.store.horizon, cp);
  }

  /** Distinct label tuples seen so far. */
  get cellCount(): number {
    return this.store.nCells;
  }

  /** Checkpoints recorded so far. */
  get checkpointCount(): number {
    return this.store.cpT.length;
  }

  /** Memory held by the checkpoints (cell rows and error counters), bytes. */
  get checkpointBytes(): number {
    let n = 0;
    for (const r of this.store.cpRow) n += r.byteLength;
    for (const r of this.store.cpErr) n += r.byteLength;
    return n;
  }

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
    this.store.gaugeAdd(c, kind === PRESENT ? G_P_OPEN_W : G_W_OPEN_W, s.w, 1);
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
    this.store.gaugeAdd(c, kind === PRESENT ? G_P_OPEN_W : G_W_OPEN_W, -s.w, -1);
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
      this.store.count(c, P_CLOSED_W, t, w);
      this.store.count(c, P_CLOSED_N, t, w > 0 ? 1 : -1);
    } else this.store.count(c, W_CLOSED_W, t, w);
  }

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
      if (s.aView >= 0) this.store.gaugeAdd(s.aView, G_VIEW, -w, -1);
      if (view >= 0) this.store.gaugeAdd(view, G_VIEW, w, 1);
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
      this.store.gauge[cur * GAUGES + G_BR_SUM]! += w * (br - s.aBr);
      s.aBr = br;
    } else if (cur !== s.aCur || rebuf !== s.aRebuf || !Object.is(br, s.aBr)) {
      if (s.aCur >= 0) {
        this.store.gaugeAdd(s.aCur, G_CUR, -w, -1);
        if (s.aRebuf) this.store.gaugeAdd(s.aCur, G_REBUF, -w, -1);
        if (!Number.isNaN(s.aBr)) this.store.brAdd(s.aCur, -w, s.aBr, -1);
      }
      if (cur >= 0) {
        this.store.gaugeAdd(cur, G_CUR, w, 1);
        if (rebuf) this.store.gaugeAdd(cur, G_REBUF, w, 1);
        if (!Number.isNaN(br)) this.store.brAdd(cur, w, br, 1);
      }
      s.aCur = cur;
      s.aRebuf = rebuf;
      s.aBr = br;
    }
    if (watch !== s.aWatch) {
      if (s.aWatch >= 0) this.store.addRate(s.aWatch, WATCH, t, -w, -1);
      if (watch >= 0) this.store.addRate(watch, WATCH, t, w, 1);
      // The watching track follows the watch-time cell.
      this.closeTrack(s, WATCHING, t);
      if (watch >= 0) this.openTrack(s, WATCHING, watch, t);
      s.aWatch = watch;
    }
    if (stall !== s.aStall) {
      if (s.aStall >= 0) this.store.addRate(s.aStall, STALL, t, -w, -1);
      if (stall >= 0) this.store.addRate(stall, STALL, t, w, 1);
      s.aStall = stall;
    }
    if (play === s.aPlay && play >= 0 && playBr !== s.aPlayBr) {
      this.store.addRate(play, BITS, t, (w * (playBr - s.aPlayBr)) / 1000, 0);
      s.aPlayBr = playBr;
    } else if (play !== s.aPlay || !Object.is(playBr, s.aPlayBr)) {
      if (s.aPlay >= 0) {
        this.store.addRate(s.aPlay, PLAY, t, -w, -1);
        this.store.addRate(s.aPlay, BITS, t, (-w * s.aPlayBr) / 1000, -1);
      }
      if (play >= 0) {
        this.store.addRate(play, PLAY, t, w, 1);
        this.store.addRate(play, BITS, t, (w * playBr) / 1000, 1);
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

  /** Applies one event. Events of one session must come in order; the stream should be in time order. */
  ingest(e: SessionEvent): void {
    this.eventCount++;
    this.version++;
    const t = e.t;
    if (t > this.store.horizon) {
      if (Number.isNaN(this.store.firstT)) {
        this.store.firstT = t;
        this.nextGrid = Math.ceil(t / this.tickMs) * this.tickMs;
      }
      // Ticks this event has passed: record them before it changes anything.
      while (this.nextGrid < t) {
        this.record(this.nextGrid);
        this.nextGrid += this.tickMs;
      }
      this.store.horizon = t;
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
      const c = this.store.cellOf(e.labels);
      s = this.newSession(e.sid, e.weight > 0 ? e.weight : 1, t, c, e.labels);
      this.store.count(c, ATTEMPTS, t, s.w);
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
        this.store.logError(this.store.cellOf(e.labels), s.w, t, e.data.error);
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
        this.store.logStart(s.serial, s.epochCell, s.w, s.requestT, t, e.data);
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
        this.store.count(s.epochCell, STALLS, t, s.w);
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
        if (e.data?.error) this.store.logError(s.epochCell, s.w, t, e.data.error);
        break;
      case 'playbackFail':
        s.failed = true;
        this.store.count(s.epochCell, FAILS, t, s.w);
        // A video start failure belongs to the window of its request (docs/metrics.md).
        if (Number.isNaN(s.startT)) this.store.count(s.reqCell, VSF, s.requestT, s.w);
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
    if (this.isEbvs(s, t)) this.store.count(s.reqCell, EBVS, s.requestT, s.w);
  }

  /** Exit before video start: ended before the first frame, without a fatal error, after ≥ 1 s. */
  private isEbvs(s: Sess, end: number): boolean {
    return Number.isNaN(s.startT) && !s.failed && end - s.requestT >= this.ebvsMinWaitMs;
  }

  private relabel(s: Sess, labels: SessionLabels, t: number): void {
    // The fast path took heartbeats with the old labels only.
    this.unhint(s);
    this.labelsOf[s.serial] = labels;
    const c = this.store.cellOf(labels);
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
      this.store.count(old, ATTEMPTS, s.requestT, -s.w);
      this.store.count(c, ATTEMPTS, s.requestT, s.w);
      s.reqCell = c;
    }
    if (s.epochStalls > 0) {
      this.store.count(old, STALLS, te, -s.w * s.epochStalls);
      this.store.count(c, STALLS, te, s.w * s.epochStalls);
    }
    if (s.startT >= te) this.store.moveStart(s.serial, s.startT, s.w, old, c);
    if (s.phase === STALLED && s.stallA >= te) s.stallCell = c;
    s.epochCell = c;
    this.replacingEpoch = true;
    this.sync(s, te);
    this.replacingEpoch = false;
  }

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
      this.store.count(s.reqCell, EBVS, s.requestT, s.w);
      s.ebvsStale = true;
    }
  }

  /** A silent session spoke again: it was never ended (the engine re-derives staleness per query). */
  private revive(s: Sess): void {
    s.stale = false;
    if (s.ebvsStale) {
      this.store.count(s.reqCell, EBVS, s.requestT, -s.w);
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

  /** Records a checkpoint at T; now and then forgets cell changes older than the longest window. */
  private record(T: number): void {
    this.store.record(T);
    // Forget cell changes older than the longest window: they can no longer be double counted.
    if (this.store.cpT.length % 64 === 0) this.pruneMulti(T - this.maxWindowMs);
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
    if (at < this.store.horizon)
      throw new Error(
        `IncrementalQoe: time ${at} is before the latest event (${this.store.horizon}); queries must be at the latest time`,
      );
    const lastCp =
      this.store.cpT.length > 0 ? this.store.cpT[this.store.cpT.length - 1]! : Number.NEGATIVE_INFINITY;
    if (at < lastCp)
      throw new Error(
        `IncrementalQoe: time ${at} is before the latest checkpoint (${lastCp}); time only moves forward`,
      );
    if (at === this.checkedAt && this.version === this.checkedVersion) return;
    if (Number.isNaN(this.store.firstT)) return;
    this.checkStale(at);
    this.checkStuck(at);
    while (this.nextGrid <= at) {
      this.record(this.nextGrid);
      this.nextGrid += this.tickMs;
    }
    if (this.store.cpT[this.store.cpT.length - 1] !== at) this.record(at);
    this.checkedAt = at;
    this.checkedVersion = this.version;
  }

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
      const groups = this.queries.compute(at, windowMs, {}, [key]);
      return groups.get(value)?.metrics ?? this.queries.empty(at, windowMs);
    }
    const groups = this.queries.compute(at, windowMs, filter, []);
    return groups.get('')?.metrics ?? this.queries.empty(at, windowMs);
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
    for (const g of this.queries.compute(at, windowMs, filter, groupBy).values())
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
    return this.queries.labelValues(key, at, windowMs);
  }

  /** Distinct combinations of several labels in the window. */
  labelCombos(keys: readonly LabelKey[], at: number, windowMs = this.windowMs): string[][] {
    return this.queries.labelCombos(keys, at, windowMs);
  }
}
