/**
 * The virtual-time population simulator: thousands of model sessions standing for a real audience
 * (each weighs viewers / sessions), each a model of one of the registry's players (players/: hls.js,
 * Shaka, dash.js; their differences are their traits) on a live channel,
 * stepped on a `VirtualClock` one tick at a time. Every request a session makes goes through the
 * fault model (what the faults and levers of the `VirtualStack` in force do to it); the session's
 * buffer, stalls, retries, errors, renditions, pathway and exits follow, and every state change
 * becomes a `SessionEvent` for the sink — the same events real players emit.
 *
 *   const sim = new PopulationSimulator({ clock, seed: 's1', population, topology, sink });
 *   sim.start();                       // joins are staggered over the first minute
 *   await sim.stack.addHttpFault({...}); clock.advanceTo(t);   // the caller moves time
 *
 * All state is in typed arrays indexed by session slot, and the step loop allocates only the
 * events it emits. A slot is one seat of the audience: when its viewer leaves (churn, patience,
 * fatal error) a new viewer with the same region/ISP/device/player/channel takes it after a gap.
 *
 * The model is one class in layers, each extending the one before (one object, so the hot loop
 * reads the same typed arrays without indirection):
 *
 *   session-state.ts  the seats' typed arrays, the constructor, routes, labels, throughput
 *   playback.ts       requests one at a time: fetch, completion, retries, stalls, ABR, pathways
 *   startup.ts        a session's life: join, the startup planned under the faults, first frame, end
 *   cruise.ts         steady sessions fast-forwarded in closed form (or sampled)
 *   simulator.ts      this: the step loop (ticks, a session's events in time order, stack changes)
 */
import { defaultPriority } from '../origin-stub/topology.ts';
import { playerComponent } from '../players/registry.ts';
import { Cruise } from './cruise.ts';
import { VARIANTS } from './dims.ts';
import { DL, PHASE, SIM } from './session-state.ts';

export type { SimulatorOptions } from './session-state.ts';

export interface SimulatorStats {
  /** Sessions per phase now. */
  off: number;
  starting: number;
  playing: number;
  stalled: number;
  /** Sessions started since start (joins). */
  joins: number;
  /** Cruises begun since start (see maybeCruise): closed-form, and sampled (a slow origin). */
  cruises: { closedForm: number; sampled: number };
  events: number;
  eventsByType: Record<string, number>;
  /** Origin queues: backlog (pulls), wait (ms), demand / capacity of the last tick. */
  origins: { name: string; backlog: number; waitMs: number; utilisation: number; capacityPerS: number }[];
}

// Module-local copies of shared constants: cheaper in the hot loop than imported bindings
// (which some loaders compile to getters).
const { OFF, STARTING, PLAYING, STALLED } = PHASE;
const { IDLE } = DL;
const IMPAIRMENT_THINNING = SIM.IMPAIRMENT_THINNING;

// What a sleeping session wakes up for next.
const EV_DL = 0;
const EV_HOLE = 1;
const EV_EMPTY = 2;
const EV_STALL_UNTIL = 3;
const EV_GIVE_UP = 4;
const EV_HEARTBEAT = 5;
const EV_STEER = 6;
const EV_LEAVE = 7;
const EV_IMPAIR = 8;
const EV_CRUISE_END = 9;

export class PopulationSimulator extends Cruise {
  /** Schedules the first joins and the tick on the clock. */
  start(): void {
    if (this.timer) return;
    const k = this.constants;
    this.t0 = this.clock.now();
    // An hour of live timeline before the run: segment numbers are positive and windows full.
    this.ast = this.t0 - 3_600_000;
    this.emitter.origin = this.t0;
    for (let i = 0; i < this.n; i++) {
      this.joinAt[i] = this.t0 + this.rnd() * k.joinSpreadMs;
      this.wake[i] = this.joinAt[i]!;
      this.lastT[i] = this.t0;
      this.penaltyCdn[i] = -1;
    }
    this.refreshStackState();
    this.refreshChannels(this.t0);
    this.timer = this.clock.setInterval(() => this.tick(), k.tickMs);
  }

  stop(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.emitter.flush();
  }

  stats(): SimulatorStats {
    const s = { off: 0, starting: 0, playing: 0, stalled: 0 };
    for (let i = 0; i < this.n; i++) {
      const p = this.phase[i];
      if (p === OFF) s.off++;
      else if (p === STARTING) s.starting++;
      else if (p === PLAYING) s.playing++;
      else s.stalled++;
    }
    return {
      ...s,
      joins: this.joins,
      cruises: { ...this.cruisesBegun },
      events: this.emitter.total,
      eventsByType: { ...this.emitter.counts },
      origins: this.origins.map((q, i) => ({
        name: i === 0 ? 'origin' : 'backup-origin',
        backlog: q.backlog,
        waitMs: q.waitMs(),
        utilisation: q.utilisation(),
        capacityPerS: q.capacityPerS,
      })),
    };
  }

  /** Recompiles the stack's state; returns, per region, whether its steering answer changed. */
  protected refreshStackState(): boolean[] {
    const st = this.stack;
    this.compiledVersion = st.version;
    this.model.compile(st.httpFaults(), st.tcpFaults(), st.origin);
    const d = this.dims;
    const before = d.regions.map((_, r) => `${this.steerOrder[r]?.join(',')}/${this.steerDefault[r]}`);
    this.steerOrder = d.regions.map((r) => st.steering.priority(r).map((c) => d.cdns.indexOf(c)));
    const versions = st.deploys.versions();
    this.playerVersions = this.playerIds.map((id) => versions[playerComponent(id)]);
    const ad = st.flags.adPod;
    this.adPod = { ...ad, brokenFor: [...ad.brokenFor] };
    this.adBroken = d.devices.map((dev) => ad.enabled && ad.brokenFor.includes(dev));
    this.steerDefault = d.regions.map(
      (r) => st.steering.priority(r).join(',') === defaultPriority(this.topology, r).join(','),
    );
    return d.regions.map((_, r) => before[r] !== `${this.steerOrder[r]!.join(',')}/${this.steerDefault[r]}`);
  }

  protected refreshChannels(t: number): void {
    const d = this.dims;
    let moved = false;
    for (let ch = 0; ch < d.channels.length; ch++) {
      for (let v = 0; v < 2; v++) {
        const cv = ch * 2 + v;
        const state = this.stack.faults.channelState(d.channels[ch]!, VARIANTS[v]!);
        const frozen =
          state?.frozenAtMs !== undefined ? Math.floor((state.frozenAtMs - this.ast) / this.segMs) - 1 : -1;
        const frozenMoved = frozen !== this.frozenEdge[cv];
        this.frozenEdge[cv] = frozen;
        this.gapFn[cv] = state?.isGap;
        const live = this.liveEdge(cv, t);
        const drift = state?.audioOffsetMs ? Math.abs(state.audioOffsetMs(live)) / 1000 : 0;
        const cvMoved = frozenMoved || drift !== this.driftS[cv];
        this.driftS[cv] = drift;
        this.channelMoved[cv] = cvMoved ? 1 : 0;
        moved ||= cvMoved;
        this.cvQuiet[cv] = state === undefined ? 1 : 0;
      }
    }
    // A sleeping session's next event was worked out with the channel as it was (the newest
    // segment it can fetch, the buffer it can play: buffer - drift): on a channel whose freeze or
    // drift moved, every session looks again now.
    if (moved) {
      for (let i = 0; i < this.n; i++) {
        if (this.phase[i] !== OFF && this.channelMoved[this.channel[i]! * 2 + this.variant[i]!] === 1)
          this.wake[i] = Math.min(this.wake[i]!, t);
      }
    }
  }

  protected tick(): void {
    const k = this.constants;
    const t1 = this.clock.now();
    this.emitter.origin = t1 - k.tickMs;
    this.updateCongestion();
    // The step [t1 - tick, t1) runs on the state compiled at its start; whatever the scenario
    // changed at t1 applies from t1 on.
    this.stepSessions(t1);
    for (let o = 0; o < 2; o++)
      this.origins[o]!.arrive(Math.max(0, this.cruisePulls[o]!) * (k.tickMs / 1000));
    for (const q of this.origins) q.step(k.tickMs);
    const wait = Math.max(this.origins[0].waitMs(), this.origins[1].waitMs());
    if (wait > this.cruiseMinLimit) this.dropCruisers(t1, wait);
    // (stackChanged refreshes the channels too.)
    if (this.stack.version !== this.compiledVersion) this.stackChanged(t1);
    else this.refreshChannels(t1);
    this.emitter.flush();
  }

  /** Every session with something due before t1 (the hot loop: keep it small for the JIT). */
  protected stepSessions(t1: number): void {
    const wake = this.wake;
    const n = this.n;
    for (let i = 0; i < n; i++) if (wake[i]! < t1) this.advance(i, t1);
  }

  /**
   * Faults, levers, deploys or flags changed: recompile, and let every session the change can
   * reach look again. A cruising session whose routes stay clean on the same origin keeps
   * cruising (only its expected origin pulls are re-read): nothing it does can differ, and a
   * fault ramp that changes the stack every few seconds would otherwise re-simulate the whole
   * population at every step.
   */
  protected stackChanged(t: number): void {
    const steeringChanged = this.refreshStackState();
    this.refreshChannels(t);
    // Other sessions sleep on plans the stack does not enter: a request in flight or a backoff
    // keeps its end, a stall its end; a request starts on the stack of its start; channel state
    // (freezes, drift) wakes its sessions in refreshChannels.
    for (let i = 0; i < this.n; i++) {
      if (this.phase[i] === OFF) continue;
      if (this.cruise[i] === 1) this.recruise(i, t);
      // Sessions pick up a steering change at their next steering reload (every TTL).
      if (this.phase[i] !== STARTING) {
        if (steeringChanged[this.region[i]!]) {
          this.nextSteer[i] = this.nextReload(i, t);
          this.wake[i] = Math.min(this.wake[i]!, this.nextSteer[i]!);
        }
      } else if (
        this.startHang[i] === 1 ||
        (this.failAt[i]! > t && this.failAt[i]! < Number.POSITIVE_INFINITY)
      ) {
        this.replanHungStartup(i, t);
        this.wake[i] = Math.min(this.wake[i]!, t);
      }
    }
  }

  protected updateCongestion(): void {
    const d = this.dims;
    const gain = this.constants.congestionGain;
    for (let c = 0; c < d.cdns.length; c++) {
      for (let r = 0; r < d.regions.length; r++) {
        const idx = c * d.regions.length + r;
        const cap = this.population.cdnCapacity(d.cdns[c]!, d.regions[r]!);
        this.congestion[idx] = Math.min(
          IMPAIRMENT_THINNING,
          1 + gain * Math.max(0, this.load[idx]! / cap - 1),
        );
      }
    }
  }

  /**
   * Moves session i forward to tEnd through its own events, in time order, each at its exact
   * time: join, startup outcome, request starts and completions, buffer running dry, holes,
   * stall ends, heartbeats, steering reloads, impairment episodes, leaving. Between events the
   * session sleeps (`wake`), its buffer integrated lazily from `lastT`.
   */
  protected advance(i: number, tEnd: number): void {
    let t = this.lastT[i]!;
    for (let guard = 0; guard < 256; guard++) {
      const ph = this.phase[i]!;
      if (ph === OFF) {
        const j = this.joinAt[i]!;
        if (j >= tEnd) {
          this.sleep(i, t, j);
          return;
        }
        t = Math.max(t, j);
        this.join(i, t);
        continue;
      }
      if (ph === STARTING) {
        const s = this.startAt[i]!;
        const f = this.failAt[i]!;
        const p = this.patienceAt[i]!;
        const hb = this.nextHb[i]!;
        const next = Math.min(s, f, p, hb);
        if (next >= tEnd) {
          this.sleep(i, t, next);
          return;
        }
        // A heartbeat leaves the session's time where it is (see heartbeatAt).
        if (f !== next && s !== next && !(p === next && p < s)) {
          this.heartbeatAt(i, t, next, false);
          continue;
        }
        t = next;
        if (f === next) this.fatal(i, t, this.failSituation[i]!, this.failStatus[i]!);
        else if (p === next && p < s) this.end(i, t, 'playbackExit', 'patience');
        else this.beginPlayback(i, t);
        continue;
      }
      if (this.cruise[i] === 1) {
        let next = this.nextHb[i]!;
        let what = EV_HEARTBEAT;
        if (this.nextSteer[i]! < next) {
          next = this.nextSteer[i]!;
          what = EV_STEER;
        }
        if (this.leaveAt[i]! < next) {
          next = this.leaveAt[i]!;
          what = EV_LEAVE;
        }
        if (this.impNext[i]! < next) {
          next = this.impNext[i]!;
          what = EV_IMPAIR;
        }
        if (this.cruiseExit[i]! < next) {
          next = this.cruiseExit[i]!;
          what = EV_CRUISE_END;
        }
        if (next >= tEnd) {
          this.sleep(i, t, next);
          return;
        }
        if (what === EV_HEARTBEAT) {
          this.heartbeatAt(i, t, next, true);
          continue;
        }
        t = next;
        if (what === EV_IMPAIR) {
          this.impairment(i, t);
          if (this.impUntil[i]! > t) this.leaveCruise(i, t);
        } else this.leaveCruise(i, t);
        continue;
      }
      const pl = this.players[this.player[i]!]!;
      const cv = this.channel[i]! * 2 + this.variant[i]!;
      let nextDl: number;
      if (this.dl[i] === IDLE) {
        nextDl = this.availability(i, cv, t, pl);
        if (nextDl < tEnd) {
          this.startFetch(i, cv, Math.max(nextDl, t), pl);
          // A lost segment is skipped without a request: look again.
          if (this.dl[i] === IDLE) continue;
          // The request is in flight: go on as the next pass of the loop would (phase, player and
          // channel are as they were), counting that pass.
          if (++guard >= 256) break;
          nextDl = this.dlAt[i]!;
        }
      } else nextDl = this.dlAt[i]!;
      const drift = this.driftS[cv]!;
      const playing = ph === PLAYING;
      let next = nextDl;
      let what = EV_DL;
      if (playing) {
        const eff = this.buffer[i]! - drift;
        const h = this.holeIn[i]!;
        if (h >= 0 && h < eff) {
          if (t + h * 1000 < next) {
            next = t + h * 1000;
            what = EV_HOLE;
          }
        } else if (t + Math.max(0, eff) * 1000 < next) {
          next = t + Math.max(0, eff) * 1000;
          what = EV_EMPTY;
        }
      } else {
        const su = this.stallUntil[i]!;
        if (su > t && su < next) {
          next = su;
          what = EV_STALL_UNTIL;
        }
        if (this.holeMs[i] === 0) {
          const giveUp = this.stallStart[i]! + this.stallPatience[i]!;
          if (giveUp < next) {
            next = giveUp;
            what = EV_GIVE_UP;
          }
        }
      }
      if (this.nextHb[i]! < next) {
        next = this.nextHb[i]!;
        what = EV_HEARTBEAT;
      }
      if (this.nextSteer[i]! < next) {
        next = this.nextSteer[i]!;
        what = EV_STEER;
      }
      if (this.leaveAt[i]! < next) {
        next = this.leaveAt[i]!;
        what = EV_LEAVE;
      }
      if (this.impNext[i]! < next) {
        next = this.impNext[i]!;
        what = EV_IMPAIR;
      }
      if (next >= tEnd) {
        this.sleep(i, t, next);
        return;
      }
      if (what === EV_HEARTBEAT) {
        this.heartbeatAt(i, t, next, playing);
        continue;
      }
      if (playing && next > t) this.playFor(i, (next - t) / 1000);
      t = Math.max(t, next);
      switch (what) {
        case EV_DL:
          if (this.dl[i] !== IDLE) this.completeFetch(i, cv, t, pl);
          break;
        case EV_HOLE:
          this.holeIn[i] = -1;
          this.stall(i, t, pl, this.holeMs[i]!);
          break;
        case EV_EMPTY:
          this.stall(i, t, pl, 0);
          break;
        case EV_GIVE_UP:
          this.end(i, t, 'playbackExit', 'patience');
          continue;
        case EV_STEER:
          this.refreshSteering(i, t);
          break;
        case EV_LEAVE:
          this.end(i, t, 'playbackExit', 'churn');
          continue;
        case EV_IMPAIR:
          this.impairment(i, t);
          break;
        default:
          break;
      }
      if (this.phase[i] === STALLED) this.maybeResume(i, t, pl, drift);
    }
    // Too many events in one step (should not happen): continue next step.
    this.sleep(i, t, t);
  }

  /**
   * The heartbeat due at `at` of a session whose state is at `t` (≤ at), playing (or cruising)
   * since: its figures include the media played from t to `at`, taken off the next heartbeat's.
   * The session's state and time stay at t: heartbeats change nothing else (not even the float
   * rounding of the buffer), so a run without them simulates exactly the same sessions.
   */
  protected heartbeatAt(i: number, t: number, at: number, playing: boolean): void {
    if (this.cruise[i] === 1) this.cruiseAccount(i, at);
    // Played from t to `at` but not integrated yet (a cruise accounts for itself).
    const s = playing && this.cruise[i] !== 1 ? (at - t) / 1000 : 0;
    const bits = s * this.videoBps[this.channel[i]! * this.dims.rungs + this.rung[i]!]!;
    this.hbMedia[i] = this.hbMedia[i]! + s;
    this.hbBits[i] = this.hbBits[i]! + bits;
    this.emitHeartbeat(i, at);
    this.hbMedia[i] = 0 - s;
    this.hbBits[i] = 0 - bits;
    this.nextHb[i] = at + this.constants.heartbeatMs;
  }
}
