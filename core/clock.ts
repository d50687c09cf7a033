/**
 * One clock for everything time-dependent in streamdrill.
 *
 * Real drills use {@link RealClock}; CI runs use {@link VirtualClock}, which only moves when the
 * simulator advances it, so a 41-minute incident replays in milliseconds and deterministically.
 * Times are milliseconds since the Unix epoch.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Current time, ms since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  sleep(ms: number): Promise<void>;
}

export class RealClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, ms);
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, setInterval(fn, ms));
    return { id };
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearInterval(t);
    this.timers.delete(handle.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }
}

interface VirtualTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
  every?: number;
}

/**
 * A clock that moves only when told to. Timers due at the same instant fire in the order they
 * were scheduled (a sequence number breaks ties), which is what makes virtual runs reproducible.
 */
export class VirtualClock implements Clock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private readonly timers = new Map<number, VirtualTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + every, seq: this.seq++, fn, every });
    return { id };
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Time of the next pending timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.timers.values()) if (!best || t.at < best.at) best = t;
    return best?.at;
  }

  /** Moves the clock to `target`, firing every timer due on the way, in time order. */
  advanceTo(target: number): void {
    for (;;) {
      let due: VirtualTimer | undefined;
      for (const t of this.timers.values()) {
        if (t.at > target) continue;
        if (!due || t.at < due.at || (t.at === due.at && t.seq < due.seq)) due = t;
      }
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      if (due.every !== undefined) {
        due.at += due.every;
        due.seq = this.seq++;
      } else {
        this.timers.delete(due.id);
      }
      due.fn();
    }
    this.current = Math.max(this.current, target);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }
}
