/**
 * The one small interface every toxic implements (in the spirit of Toxiproxy's `toxics/`).
 *
 * A link (one direction of one proxied connection) is a chain of stages. Each stage receives the
 * bytes the previous stage forwarded and decides when, and whether, to pass them on. Stages keep
 * byte order; the link handles sockets, backpressure and byte accounting.
 */
import type { Rng } from '../../core/rng.ts';

export type Attributes = Record<string, number>;

/** What a stage may do to the link it sits in. */
export interface StageContext {
  /** Passes bytes to the next stage (or the destination socket). */
  forward(chunk: Buffer): void;
  /** Passes end-of-stream on, after everything already forwarded. */
  end(): void;
  /** Closes the whole connection (both sockets, FIN), as Toxiproxy's stub Close does. */
  close(): void;
  /** Resets the whole connection (both sockets, TCP RST). */
  reset(): void;
  /** Random numbers for this connection, direction and toxic; reproducible under `--seed`. */
  readonly rng: Rng;
  /** Timers the link clears for the stage when the connection ends. */
  setTimer(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimer(timer: NodeJS.Timeout | undefined): void;
  /** Monotonic milliseconds (fractional). */
  now(): number;
}

/** One toxic running on one link. */
export interface Stage {
  onData(chunk: Buffer): void;
  /** The source ended (FIN). Default behaviour is to pass the end on. */
  onEnd(): void;
  /** Attributes changed through the API while the connection is open. */
  update(attributes: Attributes): void;
  /** The toxic is being removed: hand on everything held, in order, then stop. */
  drain(): void;
  /** Bytes held back right now (for backpressure). */
  heldBytes(): number;
}

export interface ToxicDefinition {
  readonly type: string;
  /** Attribute names with their defaults (every attribute is a non-negative integer). */
  readonly defaults: Attributes;
  /** Extra checks beyond "non-negative integer"; returns an error message or undefined. */
  validate?(attributes: Attributes): string | undefined;
  create(attributes: Attributes, ctx: StageContext): Stage;
}

/** A stage that passes everything straight on; used for connections the toxicity draw spared. */
export function passThrough(ctx: StageContext): Stage {
  return {
    onData: (chunk) => ctx.forward(chunk),
    onEnd: () => ctx.end(),
    update: () => {},
    drain: () => {},
    heldBytes: () => 0,
  };
}

/**
 * An ordered queue of chunks (and possibly the end-of-stream marker) released by time.
 * Shared by the toxics that delay data: latency, bandwidth and slicer.
 */
export class TimedQueue {
  private readonly items: { at: number; chunk: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private bytes = 0;

  constructor(private readonly ctx: StageContext) {}

  /** Queues a chunk (or the end marker, `null`) to be released at `at` (ctx.now() time base). */
  push(chunk: Buffer | null, at: number): void {
    const last = this.items[this.items.length - 1];
    // Never overtake what is already queued: Toxiproxy's toxics are sequential.
    const releaseAt = last && last.at > at ? last.at : at;
    this.items.push({ at: releaseAt, chunk });
    if (chunk) this.bytes += chunk.length;
    if (this.items.length === 1) this.schedule();
  }

  get length(): number {
    return this.items.length;
  }

  /** Time the last queued item will be released, or undefined when empty. */
  lastReleaseAt(): number | undefined {
    return this.items[this.items.length - 1]?.at;
  }

  held(): number {
    return this.bytes;
  }

  /** Releases everything now, in order. */
  flush(): void {
    this.ctx.clearTimer(this.timer);
    this.timer = undefined;
    while (this.items.length > 0) this.releaseHead();
  }

  private releaseHead(): void {
    const item = this.items.shift()!;
    if (item.chunk) {
      this.bytes -= item.chunk.length;
      this.ctx.forward(item.chunk);
    } else {
      this.ctx.end();
    }
  }

  private schedule(): void {
    const head = this.items[0];
    if (!head) return;
    const wait = head.at - this.ctx.now();
    if (wait <= 0) {
      // Release every item already due, then wait for the next.
      const now = this.ctx.now();
      while (this.items.length > 0 && this.items[0]!.at <= now) this.releaseHead();
      this.schedule();
      return;
    }
    this.timer = this.ctx.setTimer(() => {
      this.timer = undefined;
      this.schedule();
    }, wait);
  }
}
