/**
 * Paces a virtual-time run against the wall clock for a training room: drill time runs at `speed`
 * times real time (1 = real time), and can be paused and resumed. A CI run has no pacer and runs as
 * fast as it can; the same scenario and seed give the same journal either way, because pacing only
 * decides when the next step of virtual time is taken, never what happens in it.
 */
export class Pacer {
  private anchorWall = performance.now();
  private anchorSim: number | undefined;
  private lastSim = 0;
  private _speed: number;
  private _paused = false;
  private wake: (() => void) | undefined;

  constructor(speed = 1) {
    if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
    this._speed = speed;
  }

  get speed(): number {
    return this._speed;
  }

  get paused(): boolean {
    return this._paused;
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
    this.reanchor();
    this._speed = speed;
    this.wake?.();
  }

  pause(): void {
    this._paused = true;
  }

  resume(): void {
    if (!this._paused) return;
    this._paused = false;
    this.reanchor();
    this.wake?.();
  }

  private reanchor(): void {
    this.anchorWall = performance.now();
    this.anchorSim = this.lastSim;
  }

  /** Resolves when drill time `simMs` is due on the wall clock (and the pacer is not paused). */
  async until(simMs: number, signal?: AbortSignal): Promise<void> {
    if (this.anchorSim === undefined) {
      this.anchorSim = simMs;
      this.lastSim = simMs;
      this.anchorWall = performance.now();
    }
    for (;;) {
      if (signal?.aborted) return;
      const due = this.anchorWall + (simMs - this.anchorSim) / this._speed;
      const wait = this._paused ? 1000 : due - performance.now();
      if (wait <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(wait, 1000));
        const onAbort = () => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.wake = done;
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      this.wake = undefined;
    }
    this.lastSim = simMs;
  }
}
