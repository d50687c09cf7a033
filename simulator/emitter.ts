/**
 * Turns model-session state changes into `SessionEvent`s for the sink. Events of one step are
 * collected, put in time order (stable, so each session's own order is kept) and handed to the sink
 * at the end of the step, so the sink sees a time-ordered stream although sessions are stepped one
 * after another. Label objects are frozen and shared: by a session's events until a label changes,
 * and by sessions with the same labels (the simulator hands the same object).
 *
 * During the step an event is a row of a batch (its time and slot in typed arrays, references to
 * its id, labels and data; a heartbeat's two figures inline): the event objects are built at the
 * flush, in time order, just before the sink reads them — while they are still in the cache. Each
 * event carries its session's hint for the metric engine (`HintedSessionEvent`: the slot, and a new
 * epoch for every session and label change).
 */
import type { SessionEvent, SessionEventType, SessionLabels } from '../core/events.ts';
import { HintedSessionEvent } from '../metrics/incremental.ts';

export type SessionSink = (e: SessionEvent) => void;
type Data = NonNullable<SessionEvent['data']>;

/** One step's events, in emission order. */
class Batch {
  n = 0;
  t = new Float64Array(1024);
  slot = new Int32Array(1024);
  epoch = new Int32Array(1024);
  /** A heartbeat's mediaSeconds and bitsPlayed (its `data` is HEARTBEAT). */
  hbMedia = new Float64Array(1024);
  hbBits = new Float64Array(1024);
  types: SessionEventType[] = [];
  sids: string[] = [];
  labels: SessionLabels[] = [];
  data: (Data | undefined)[] = [];
  keys = new Float64Array(1024);

  grow(): void {
    const cap = this.t.length * 2;
    this.t = copy(this.t, new Float64Array(cap));
    this.slot = copy(this.slot, new Int32Array(cap));
    this.epoch = copy(this.epoch, new Int32Array(cap));
    this.hbMedia = copy(this.hbMedia, new Float64Array(cap));
    this.hbBits = copy(this.hbBits, new Float64Array(cap));
  }
}

function copy<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export class EventEmitter {
  private batch = new Batch();
  /** The batch a flush hands over is kept for the step after (events emitted meanwhile go to the other). */
  private spare: Batch | undefined = new Batch();
  private readonly labels: (SessionLabels | undefined)[];
  private readonly sids: string[];
  /** Per slot: the hint epoch of its session's current id and labels (small integers: no boxing). */
  private readonly epochs: Int32Array;
  private readonly byType = new Map<string, number>();
  // Scratch of sortKeys.
  private counts0 = new Int32Array(1024);
  private sorted = new Float64Array(1024);
  total = 0;
  /**
   * Sort keys count microseconds from here (the simulator sets the start of its step), not from
   * the batch's first event: events at nearly the same time (equal to the microsecond) keep their
   * emission order whatever else the batch holds — with or without heartbeats, for one.
   */
  origin = 0;

  constructor(
    private readonly sink: SessionSink,
    sessions: number,
    private readonly weight: number,
  ) {
    this.labels = new Array(sessions).fill(undefined);
    this.sids = new Array(sessions).fill('');
    this.epochs = new Int32Array(sessions);
  }

  /** Events handed to the sink so far, by type (in the order the types first appeared). */
  get counts(): Record<string, number> {
    return Object.fromEntries(this.byType);
  }

  /** Starts a new session in slot `i`: new id, new labels. */
  begin(i: number, sid: string, labels: SessionLabels): void {
    this.sids[i] = sid;
    this.labels[i] = Object.freeze(labels);
    this.epochs[i] = HintedSessionEvent.newEpoch();
  }

  /** Changes the labels (the CDN and POP) the session's next events carry. */
  relabel(i: number, labels: SessionLabels): void {
    if (!this.labels[i]) return;
    this.labels[i] = Object.freeze(labels);
    this.epochs[i] = HintedSessionEvent.newEpoch();
  }

  labelsOf(i: number): SessionLabels | undefined {
    return this.labels[i];
  }

  emit(i: number, type: SessionEventType, t: number, data?: Data): void {
    const b = this.row(i, type, t);
    b.data[b.n - 1] = data;
  }

  /** A heartbeat: data { mediaSeconds, bitsPlayed }. */
  heartbeat(i: number, t: number, mediaSeconds: number, bitsPlayed: number): void {
    const b = this.row(i, 'heartbeat', t);
    const j = b.n - 1;
    b.data[j] = HEARTBEAT;
    b.hbMedia[j] = mediaSeconds;
    b.hbBits[j] = bitsPlayed;
  }

  private row(i: number, type: SessionEventType, t: number): Batch {
    if (this.batch.n >= SEQ) this.flush();
    const b = this.batch;
    const j = b.n++;
    if (j >= b.t.length) b.grow();
    b.t[j] = t;
    b.types[j] = type;
    b.sids[j] = this.sids[i]!;
    b.labels[j] = this.labels[i]!;
    b.slot[j] = i;
    b.epoch[j] = this.epochs[i]!;
    return b;
  }

  /**
   * Sorts the keys ascending (they are distinct): a counting sort into about one time bucket per
   * key, which keeps the emission order within a bucket, then an insertion sort of each bucket's
   * few keys. The native sort when the times spread too unevenly for that.
   */
  private sortKeys(keys: Float64Array, n: number, minUs: number, maxUs: number): void {
    const width = Math.max(1, Math.ceil((maxUs - minUs + 1) / n));
    const nb = Math.floor((maxUs - minUs) / width) + 1;
    if (nb > MAX_BUCKETS) {
      keys.sort();
      return;
    }
    if (this.counts0.length < nb + 1)
      this.counts0 = new Int32Array(Math.max(nb + 1, this.counts0.length * 2));
    if (this.sorted.length < n) this.sorted = new Float64Array(Math.max(n, this.sorted.length * 2));
    const start = this.counts0;
    start.fill(0, 0, nb + 1);
    const bucket = (k: number) => Math.floor((Math.floor(k / SEQ) - minUs) / width);
    for (let j = 0; j < n; j++) start[bucket(keys[j]!) + 1]!++;
    for (let x = 1; x <= nb; x++) start[x]! += start[x - 1]!;
    const out = this.sorted;
    for (let j = 0; j < n; j++) out[start[bucket(keys[j]!)]!++] = keys[j]!;
    // Each bucket's keys are now together, in emission order: order them by time.
    let lo = 0;
    for (let x = 0; x < nb; x++) {
      const hi = start[x]!;
      if (hi - lo > 32) out.subarray(lo, hi).sort();
      else
        for (let a = lo + 1; a < hi; a++) {
          const k = out[a]!;
          let c = a - 1;
          while (c >= lo && out[c]! > k) {
            out[c + 1] = out[c]!;
            c--;
          }
          out[c + 1] = k;
        }
      lo = hi;
    }
    keys.set(out.subarray(0, n));
  }

  /** Hands the step's events to the sink in time order. */
  flush(): void {
    const b = this.batch;
    const n = b.n;
    if (n === 0) return;
    this.batch = this.spare ?? new Batch();
    this.spare = undefined;
    const T = b.t;
    const origin = this.origin;
    // Sort keys: time (to the microsecond, from the origin) then emission order, packed into one
    // float (exact below 2^53: ±2^35 us, 9 hours, x 2^17 events).
    if (b.keys.length < n) b.keys = new Float64Array(n * 2);
    const keys = b.keys.subarray(0, n);
    let minUs = Number.POSITIVE_INFINITY;
    let maxUs = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      const us = Math.round((T[j]! - origin) * 1000);
      keys[j] = us * SEQ + j;
      if (us > maxUs) maxUs = us;
      if (us < minUs) minUs = us;
    }
    if (minUs <= -MAX_US || maxUs >= MAX_US)
      throw new Error('EventEmitter: an event more than 9 hours from the step it was emitted in');
    this.sortKeys(keys, n, minUs, maxUs);
    const counts = this.byType;
    let hb = 0;
    for (let x = 0; x < n; x++) {
      const k = keys[x]!;
      // k mod SEQ (k is an integer below 2^53 and SEQ a power of two: exact).
      const j = k - Math.floor(k / SEQ) * SEQ;
      const type = b.types[j]!;
      const e = new HintedSessionEvent(
        b.sids[j]!,
        type,
        T[j]!,
        b.labels[j]!,
        this.weight,
        b.slot[j]!,
        b.epoch[j]!,
      );
      const data = b.data[j];
      if (data === HEARTBEAT) {
        e.data = { mediaSeconds: b.hbMedia[j]!, bitsPlayed: b.hbBits[j]! };
        // Counted after the loop; the key goes in where the type first appeared.
        if (hb++ === 0 && !counts.has(type)) counts.set(type, 0);
      } else {
        if (data) e.data = data;
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
      this.sink(e);
    }
    if (hb > 0) counts.set('heartbeat', counts.get('heartbeat')! + hb);
    this.total += n;
    // Let the step's data objects go; keep the batch for the step after next.
    b.data.fill(undefined, 0, n);
    b.n = 0;
    this.spare = b;
  }
}

/** Most buckets of the flush's counting sort. */
const MAX_BUCKETS = 1 << 16;

/** Room for the emission order in a sort key (a step flushes early when it has more events). */
const SEQ = 1 << 17;

/** Microseconds either side of the origin a sort key can hold exactly. */
const MAX_US = 2 ** 35;

/** Marks a heartbeat row (its figures are inline). */
const HEARTBEAT: Data = Object.freeze({});
