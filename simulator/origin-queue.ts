/**
 * An origin's capacity as a fluid FIFO queue, at population scale. The stub origin serves at most
 * `concurrency` pulls at once, each holding its slot `serviceMs` (origin-stub/cdn/capacity.ts), so
 * it completes concurrency x 1000 / serviceMs pulls per second; the model scales that to the real
 * population (constants.originReferenceViewers). Each step the weighted pulls of the population
 * arrive; whatever exceeds capacity waits as backlog, and a pull issued now waits backlog /
 * capacity before its service time. The backlog grows while demand exceeds capacity and drains
 * after — the "origin pulls overwhelm origin capacity" of the worked example.
 */
export class OriginQueue {
  /** Pulls served per second. */
  readonly capacityPerS: number;
  /** Pulls waiting (population scale). */
  backlog = 0;
  private arrivals = 0;
  /** Pulls that arrived in the last completed step, per second (for observability). */
  lastDemandPerS = 0;
  /** waitMs() for the backlog `waitFor`. */
  private wait = 0;
  private waitFor = Number.NaN;

  constructor(
    concurrency: number,
    readonly serviceMs: number,
    scale: number,
  ) {
    // serviceMs 0 means "no capacity limit" in the stub (its virtual-time tests): keep it unlimited.
    this.capacityPerS = serviceMs > 0 ? ((concurrency * 1000) / serviceMs) * scale : Number.POSITIVE_INFINITY;
  }

  /** Records `pulls` (weighted) arriving in the current step. */
  arrive(pulls: number): void {
    this.arrivals += pulls;
  }

  /** Time a pull issued now spends at the origin (queueing + service), ms. */
  waitMs(): number {
    // The backlog only moves in step(): the wait is worked out there (and here on first use).
    if (this.waitFor !== this.backlog) {
      this.waitFor = this.backlog;
      this.wait =
        this.capacityPerS === Number.POSITIVE_INFINITY
          ? this.serviceMs
          : this.serviceMs + (this.backlog / this.capacityPerS) * 1000;
    }
    return this.wait;
  }

  /** Utilisation of the last step (demand / capacity). */
  utilisation(): number {
    return this.lastDemandPerS / this.capacityPerS;
  }

  /** Closes a step of `dtMs`: arrivals join the backlog, capacity x dt is served. */
  step(dtMs: number): void {
    const dt = dtMs / 1000;
    this.lastDemandPerS = this.arrivals / dt;
    this.backlog = Math.max(0, this.backlog + this.arrivals - this.capacityPerS * dt);
    this.arrivals = 0;
  }
}
