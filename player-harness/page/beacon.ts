/**
 * Batches session events to the collector: one POST per interval (fetch with keepalive, so a batch
 * survives the page closing), `sendBeacon` on pagehide, and failed batches kept for the next try
 * (at most 5000 events, oldest dropped first).
 */
import type { SessionEvent } from '../../core/events.ts';
import type { BeaconBody, EventSink } from './protocol.ts';

const MAX_QUEUED = 5000;
const KEEPALIVE_LIMIT = 60_000;

export class Beacon implements EventSink {
  private queue: SessionEvent[] = [];
  private timer: number | undefined;
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    flushMs: number,
  ) {
    this.timer = window.setInterval(() => void this.flush(), flushMs);
    window.addEventListener('pagehide', () => this.flushOnExit());
  }

  push(e: SessionEvent): void {
    this.queue.push(e);
    if (this.queue.length > MAX_QUEUED) this.queue.splice(0, this.queue.length - MAX_QUEUED);
  }

  /** Sends what is queued; resolves when the collector has it (or the attempt failed). */
  flush(): Promise<void> {
    this.inflight = this.inflight.then(() => this.send());
    return this.inflight;
  }

  private async send(): Promise<void> {
    if (this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    const body = JSON.stringify({ sentAt: Date.now(), events } satisfies BeaconBody);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        keepalive: body.length < KEEPALIVE_LIMIT,
      });
      if (!res.ok && res.status >= 500) this.queue.unshift(...events);
    } catch {
      this.queue.unshift(...events);
    }
  }

  private flushOnExit(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    if (this.queue.length === 0) return;
    const body = JSON.stringify({ sentAt: Date.now(), events: this.queue } satisfies BeaconBody);
    this.queue = [];
    navigator.sendBeacon(this.url, new Blob([body], { type: 'application/json' }));
  }
}
