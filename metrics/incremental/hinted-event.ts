/**
 * Session events with a hint (seat and epoch) for the incremental engine's heartbeat fast path.
 */
import type { SessionEvent, SessionEventType, SessionLabels } from '../../core/events.ts';

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
