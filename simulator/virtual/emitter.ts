/**
 * Turns model-session state changes into `SessionEvent`s for the sink. Events of one step are
 * collected, put in time order (stable, so each session's own order is kept) and handed to the sink
 * at the end of the step, so the sink sees a time-ordered stream although sessions are stepped one
 * after another. Label objects are shared between a session's events until a label changes
 * (treat them as read-only).
 */
import type { SessionEvent, SessionEventType, SessionLabels } from '../../player-harness/events.ts';

export type SessionSink = (e: SessionEvent) => void;
type Data = NonNullable<SessionEvent['data']>;

export class EventEmitter {
  private pending: SessionEvent[] = [];
  private keys = new Float64Array(1024);
  private readonly labels: (SessionLabels | undefined)[];
  private readonly sids: string[];
  /** Events handed to the sink so far, by type. */
  readonly counts: Record<string, number> = {};
  total = 0;

  constructor(
    private readonly sink: SessionSink,
    sessions: number,
    private readonly weight: number,
  ) {
    this.labels = new Array(sessions).fill(undefined);
    this.sids = new Array(sessions).fill('');
  }

  /** Starts a new session in slot `i`: new id, new labels. */
  begin(i: number, sid: string, labels: SessionLabels): void {
    this.sids[i] = sid;
    this.labels[i] = Object.freeze(labels);
  }

  /** Changes the CDN (and POP) the session's next events carry. */
  relabel(i: number, cdn: string, pop: string): void {
    const l = this.labels[i];
    if (l) this.labels[i] = Object.freeze({ ...l, cdn, pop });
  }

  labelsOf(i: number): SessionLabels | undefined {
    return this.labels[i];
  }

  emit(i: number, type: SessionEventType, t: number, data?: Data): void {
    if (this.pending.length >= SEQ) this.flush();
    const e: SessionEvent = { sid: this.sids[i]!, type, t, labels: this.labels[i]!, weight: this.weight };
    if (data) e.data = data;
    this.pending.push(e);
  }

  /** Hands the step's events to the sink in time order. */
  flush(): void {
    const batch = this.pending;
    const n = batch.length;
    if (n === 0) return;
    this.pending = [];
    let base = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) if (batch[j]!.t < base) base = batch[j]!.t;
    // Sort keys: time (to the microsecond, from the step's first event) then emission order, packed
    // into one float so a native numeric sort does it (exact below 2^53: ~1e9 us x 2^20 events).
    if (this.keys.length < n) this.keys = new Float64Array(n * 2);
    const keys = this.keys.subarray(0, n);
    for (let j = 0; j < n; j++) keys[j] = Math.round((batch[j]!.t - base) * 1000) * SEQ + j;
    keys.sort();
    for (let j = 0; j < n; j++) {
      const e = batch[keys[j]! % SEQ]!;
      this.counts[e.type] = (this.counts[e.type] ?? 0) + 1;
      this.sink(e);
    }
    this.total += n;
  }
}

/** Room for the emission order in a sort key (events per step stay far below). */
const SEQ = 1 << 20;
