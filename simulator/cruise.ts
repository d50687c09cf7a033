/**
 * Cruise: a steady session fast-forwarded in closed form (or, while the origin is slow, sampled),
 * so 800,000 viewers x 41 minutes run in about a second without changing a figure — entering,
 * accounting for, and leaving a cruise, and what a stack change or a slower origin does to
 * cruising sessions. A layer of the simulator (session-state → playback → startup → cruise →
 * simulator).
 */
import type { PlayerModel } from './constants.ts';
import { KIND_MANIFEST, KIND_SEGMENT } from './dims.ts';

import { DL, SIM } from './session-state.ts';
import { Startup } from './startup.ts';

// Module-local copies of shared constants: cheaper in the hot loop than imported bindings
// (which some loaders compile to getters).
const { IDLE } = DL;
const CRUISE_FETCH_MS = SIM.CRUISE_FETCH_MS;
const CRUISE_MARGIN_S = SIM.CRUISE_MARGIN_S;
const K_MANIFEST = KIND_MANIFEST;
const K_SEGMENT = KIND_SEGMENT;

export abstract class Cruise extends Startup {
  /**
   * Cruise. A session playing at its top rendition on a fault-free route, with no impairment, no
   * hole and no packaging fault on its channel, evolves in closed form: its live latency L stays
   * constant and it fetches segment k as soon as k is announced (its playlist reload after k is
   * published) and its buffer is below the forward-buffer goal — both linear in k, so segment k
   * completes at ast + k x segment + C for a per-session constant C, and the buffer is lowest
   * (L - C) just before each completion. If even
   * two origin round trips at the current origin wait cannot empty that buffer, nothing it does can
   * produce an event other than heartbeats — so it sleeps until its next heartbeat, impairment,
   * departure or steering reload, its origin pulls counted in expectation, and its state is
   * rebuilt exactly when it wakes for anything else (or when the stack or the origin wait changes).
   * This is what makes 800,000 viewers x 41 minutes run in about a second; it changes no figure.
   * When the origin is too slow for that, a sampled cruise (below) may still apply.
   */
  protected maybeCruise(i: number, t: number, cv: number, pl: PlayerModel): void {
    if (this.dl[i] !== IDLE || this.holeIn[i]! >= 0 || this.impUntil[i]! > t || this.cvQuiet[cv] !== 1)
      return;
    if (this.adBroken[this.device[i]!] || this.rung[i] !== this.topRung[this.channel[i]!]) return;
    const m = this.model;
    const S = this.segS;
    const latency = (t - this.ast) / 1000 - (this.nextSeg[i]! * S - this.buffer[i]!);
    const c = Math.max(this.segMs + this.reloadPhase[i]!, (latency - pl.maxBufferS) * 1000) + CRUISE_FETCH_MS;
    // Segment k is fetched (c - fetch) after its start: beyond the playlist window it would jump.
    if (c - CRUISE_FETCH_MS > this.constants.liveWindowSegments * this.segMs) return;
    const lowest = latency - c / 1000;
    const k = this.constants;
    const legMs = k.rttViewerEdgeMs + k.rttEdgeShieldMs + k.rttShieldOriginMs;
    const limit = ((lowest - CRUISE_MARGIN_S) * 1000) / 2 - legMs;
    // Routes differ by kind only in the last place (Dims.route).
    const man = this.route(i, K_MANIFEST);
    const seg = man - K_MANIFEST + K_SEGMENT;
    if (!m.isClean(seg) || !m.isClean(man)) return;
    // Every route pulls from the origin the shields use.
    const origin = m.originIdx;
    if (!(this.origins[origin]!.waitMs() < limit)) {
      if (limit > 0 && this.sampling) this.sampledCruise(i, t, cv, pl, latency, c, origin, man, seg);
      return;
    }
    this.enterCruise(i, t, latency, c, origin, man);
    this.cruisesBegun.closedForm++;
    this.cruiseLimit[i] = limit;
    const rate = (this.weight * (k.objectsPerSegment * m.originShare(seg) + m.originShare(man))) / S;
    this.cruiseRate[i] = rate;
    this.cruisePulls[origin] = this.cruisePulls[origin]! + rate;
    if (limit < this.cruiseMinLimit) this.cruiseMinLimit = limit;
  }

  protected enterCruise(i: number, t: number, latency: number, c: number, origin: number, man: number): void {
    this.cruise[i] = 1;
    this.cruiseMan[i] = man;
    this.cruiseFrom[i] = t;
    this.cruiseL[i] = latency;
    this.cruiseC[i] = c;
    this.cruiseOrigin[i] = origin;
    this.cruiseExit[i] = Number.POSITIVE_INFINITY;
    this.cruiseRate[i] = 0;
  }

  /**
   * A sampled cruise, for when the origin is too slow for the cruise above: a request that
   * reaches the origin could now empty the buffer, but one that does not is as harmless as ever.
   * The cycles (a playlist reload and a segment) reach the origin independently, each with
   * probability 1 - q; the number of cycles before the next one that does is drawn (geometric),
   * the session cruises through them and comes back to full simulation just before that one,
   * whose fetch is then made to reach the origin (cleanRequest's PULL, and which of its two
   * requests do is drawn at the fetch). Leaving the cruise earlier for any reason forgets the
   * draw: the cycles are memoryless, so the rest of the run is as if it had never been made.
   * Its origin pulls are the real ones of that fetch, none in expectation. The figures are those
   * of full simulation in distribution, not draw for draw (the journal differs; a test compares
   * them under an origin-overloading ramp).
   */
  protected sampledCruise(
    i: number,
    t: number,
    cv: number,
    pl: PlayerModel,
    latency: number,
    c: number,
    origin: number,
    man: number,
    seg: number,
  ): void {
    // Only on schedule: a session behind it (its next segment out already, after a slow fetch)
    // fetches its backlog for real — each of those requests may reach the origin too.
    if (this.availability(i, cv, t, pl) <= t) return;
    // Only where every cycle is a playlist reload and a segment (the next segment is fetched as
    // soon as it is announced): a session held back by its forward buffer fetches segments it
    // already knows of, without reloads, and its cycles would not be the ones drawn here.
    if (c !== this.segMs + this.reloadPhase[i]! + CRUISE_FETCH_MS) return;
    // ... and whose reload comes back before the segment after is out (else that reload announces
    // two segments, and the next cycle has no reload of its own).
    if (this.reloadPhase[i]! + 2 * CRUISE_FETCH_MS >= this.segMs) return;
    const q = this.pullOdds(man, seg);
    const cycles = this.cleanCycles(q);
    this.enterCruise(i, t, latency, c, origin, man);
    this.cruisesBegun.sampled++;
    // (An infinite limit marks a sampled cruise: a slower origin cannot end it.)
    this.cruiseLimit[i] = Number.POSITIVE_INFINITY;
    this.cruiseOdds[i] = q;
    this.schedulePull(i, this.nextSeg[i]! + cycles);
  }

  /** The odds that a cycle (a playlist reload and a segment) reaches no origin. */
  protected pullOdds(man: number, seg: number): number {
    return (1 - this.model.originShare(man)) * (1 - this.model.originShare(seg));
  }

  /** Cycles before the next one that reaches the origin (geometric; Infinity when none ever does). */
  protected cleanCycles(q: number): number {
    if (q >= 1) return Number.POSITIVE_INFINITY;
    return Math.floor(Math.log(1 - this.rnd()) / Math.log(q));
  }

  /**
   * The sampled cruise ends 1 ms before the fetch of segment `pull` begins (cruise bookkeeping):
   * a draw must stay open to being forgotten until its cycle begins, whether it says the cycle
   * reaches the origin or not — were a pull settled earlier than a miss, leaving on new odds
   * would forget misses more often than pulls, and pull too often.
   */
  protected schedulePull(i: number, pull: number): void {
    this.pullSeg[i] = Number.isFinite(pull) ? pull : -1;
    this.cruiseExit[i] = this.cruiseCompletion(i, pull) - CRUISE_FETCH_MS - 1;
  }

  /** When a cruising session completes segment n (C includes a typical fetch of CRUISE_FETCH_MS). */
  protected cruiseCompletion(i: number, n: number): number {
    return this.ast + n * this.segMs + this.cruiseC[i]!;
  }

  /** Media and bits played while cruising, up to T. */
  protected cruiseAccount(i: number, T: number): void {
    const s = (T - this.cruiseFrom[i]!) / 1000;
    this.cruiseFrom[i] = T;
    this.hbMedia[i] = this.hbMedia[i]! + s;
    this.hbBits[i] = this.hbBits[i]! + s * this.videoBps[this.channel[i]! * this.dims.rungs + this.rung[i]!]!;
  }

  /**
   * The last segment a cruising session has at T: by the cruise's schedule, and at least the one
   * it had fetched for real when it began cruising (its nextSeg stays as it was then) — just after
   * entry the schedule's C (a typical fetch time) can lag the real completion by a few tens of ms.
   */
  protected cruiseLast(i: number, T: number): number {
    return Math.max(Math.floor((T - this.ast - this.cruiseC[i]!) / this.segMs), this.nextSeg[i]! - 1);
  }

  /** Rebuilds the exact state of a cruising session at T and returns it to full simulation. */
  protected leaveCruise(i: number, T: number): void {
    this.cruiseAccount(i, T);
    // Leaving a sampled cruise before its end for another reason forgets its draw (see
    // sampledCruise).
    if (T < this.cruiseExit[i]!) this.pullSeg[i] = -1;
    const S = this.segS;
    const playhead = (T - this.ast) / 1000 - this.cruiseL[i]!;
    const last = this.cruiseLast(i, T);
    this.nextSeg[i] = last + 1;
    this.known[i] = last;
    this.buffer[i] = Math.max(0.01, (last + 1) * S - playhead);
    this.availAfter[i] = T;
    this.dl[i] = IDLE;
    this.cruise[i] = 0;
    this.lastT[i] = T;
    const o = this.cruiseOrigin[i]!;
    this.cruisePulls[o] = this.cruisePulls[o]! - this.cruiseRate[i]!;
  }

  /** The origin got slow enough to threaten some cruising sessions: simulate them fully again. */
  protected dropCruisers(t: number, wait: number): void {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.n; i++) {
      if (this.cruise[i] !== 1) continue;
      if (this.cruiseLimit[i]! <= wait) {
        this.leaveCruise(i, Math.max(t, this.lastT[i]!));
        this.wake[i] = this.lastT[i]!;
      } else if (this.cruiseLimit[i]! < min) min = this.cruiseLimit[i]!;
    }
    this.cruiseMinLimit = min;
  }

  /**
   * Cruising session i on the stack just compiled: it goes on cruising while maybeCruise's stack
   * conditions hold (its expected origin pulls following the new miss rates), else it is back to
   * full simulation from t.
   */
  protected recruise(i: number, t: number): void {
    const m = this.model;
    const man = this.cruiseMan[i]!;
    const seg = man - K_MANIFEST + K_SEGMENT;
    const cv = this.channel[i]! * 2 + this.variant[i]!;
    if (
      this.cvQuiet[cv] !== 1 ||
      this.adBroken[this.device[i]!] ||
      !m.isClean(seg) ||
      !m.isClean(man) ||
      m.originOf(man) !== this.cruiseOrigin[i]
    ) {
      this.leaveCruise(i, Math.max(t, this.lastT[i]!));
      this.wake[i] = Math.min(this.wake[i]!, t);
      return;
    }
    // Its routes read as before: nothing to do (the usual case: most changes touch a few routes).
    if (m.moved[man] === 0 && m.moved[seg] === 0) return;
    if (this.cruiseLimit[i] === Number.POSITIVE_INFINITY) {
      // A sampled cruise: its draw stands while its odds do; new odds end it after the cycle
      // under way (whose fetch began on the old draw), and the draw is forgotten.
      if (this.pullOdds(man, seg) === this.cruiseOdds[i]) return;
      this.pullSeg[i] = -1;
      this.cruiseExit[i] = this.cruiseCompletion(i, this.cruiseLast(i, t + CRUISE_FETCH_MS)) + 1;
      if (this.cruiseExit[i]! > t) this.wake[i] = Math.min(this.wake[i]!, this.cruiseExit[i]!);
      else {
        this.leaveCruise(i, Math.max(t, this.lastT[i]!));
        this.wake[i] = Math.min(this.wake[i]!, t);
      }
      return;
    }
    const k = this.constants;
    const rate = (this.weight * (k.objectsPerSegment * m.originShare(seg) + m.originShare(man))) / this.segS;
    const o = this.cruiseOrigin[i]!;
    this.cruisePulls[o] = this.cruisePulls[o]! - this.cruiseRate[i]! + rate;
    this.cruiseRate[i] = rate;
  }
}
