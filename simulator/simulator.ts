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
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { PlayerErrorInfo, SessionLabels } from '../core/events.ts';
import {
  defaultPriority,
  resolveTopology,
  routePop,
  type Topology,
  type TopologyInput,
} from '../origin-stub/topology.ts';
import { PLAYER_IDS, PLAYERS, type PlayerId, playerComponent } from '../players/registry.ts';
import { type DeepPartial, type ModelConstants, type PlayerModel, withConstants } from './constants.ts';
import { Dims, KIND_INIT, KIND_MANIFEST, KIND_SEGMENT, VARIANTS } from './dims.ts';
import { EventEmitter, type SessionSink } from './emitter.ts';
import { fastRng } from './fast-rng.ts';
import { DRAW, FaultModel, HANG, MALFORMED, NO_PULL, OK, PULL, STATUS } from './fault-model.ts';
import { type ChannelLadder, loadLadders } from './media.ts';
import { OriginQueue } from './origin-queue.ts';
import { ERROR_SITUATIONS, type ErrorSituation, playerError } from './player-errors.ts';
import { type Population, type PopulationSpec, pick, resolvePopulation } from './population.ts';
import { VirtualStack } from './virtual-stack.ts';

export interface SimulatorOptions {
  /** The clock the simulator schedules its ticks on (a VirtualClock in CI). */
  clock: Clock;
  /** Seed of every random draw: same inputs and seed, same events. */
  seed: string;
  population?: PopulationSpec;
  /** Topology input (defaults: the worked example's) or an already resolved topology. */
  topology?: TopologyInput;
  /** The actuator the scenario drives; created (on the same clock and topology) when absent. */
  stack?: VirtualStack;
  sink: SessionSink;
  constants?: DeepPartial<ModelConstants>;
  /** Where the channels' media.json live (default: origin-stub/media/out). */
  mediaDir?: string;
  /**
   * Emit heartbeats (default true). They change no other event (see `heartbeatAt`), and a model
   * session is never silent, so a metric engine that is told so (staleMs: Infinity) computes the
   * same figures without them: a virtual run that journals no session events leaves them out.
   */
  heartbeats?: boolean;
  /**
   * Sampled cruises while the origin is slow (default true; see sampledCruise). Off, those sessions
   * are simulated in full: the same figures in distribution, for tests that compare the two.
   */
  sampledCruise?: boolean;
}

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

const OFF = 0;
const STARTING = 1;
const PLAYING = 2;
const STALLED = 3;

const IDLE = 0;
const FETCH = 1;
const BACKOFF = 2;

const DL_MEDIA = 0;
const DL_PLAYLIST = 1;

/** A request outcome the player turns into a timeout (its own timer fired). */
const TIMEOUT = 5;

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

/** Most CDN congestion can multiply background impairment by (and the thinning rate). */
const IMPAIRMENT_THINNING = 4;

// Local copies of imported constants: module-local consts are cheaper in the hot loop than
// imported bindings (which some loaders compile to getters).
const O_OK = OK;
const O_STATUS = STATUS;
const O_HANG = HANG;
const O_MALFORMED = MALFORMED;
const K_MANIFEST = KIND_MANIFEST;
const K_SEGMENT = KIND_SEGMENT;
const K_INIT = KIND_INIT;
const P_DRAW = DRAW;
const P_PULL = PULL;
const P_NO_PULL = NO_PULL;

/** Typical time of a playlist + segment fetch on a clean route, ms (cruise bookkeeping). */
const CRUISE_FETCH_MS = 100;
/** Buffer a cruising session must keep in hand at its lowest point, s. */
const CRUISE_MARGIN_S = 0.5;

const PLAYLIST_BYTES = 1500;
const INIT_BYTES = 1200;

export class PopulationSimulator {
  readonly stack: VirtualStack;
  readonly topology: Topology;
  readonly population: Population;
  readonly constants: ModelConstants;
  private readonly heartbeats: boolean;
  private readonly sampling: boolean;
  readonly dims: Dims;
  readonly origins: [OriginQueue, OriginQueue];
  private readonly clock: Clock;
  private readonly rnd: () => number;
  private readonly model: FaultModel;
  private readonly emitter: EventEmitter;
  /** The registry's players (players/registry.ts): ids and model parameters, by player index. */
  private readonly playerIds: readonly PlayerId[] = PLAYER_IDS;
  private readonly players: PlayerModel[];
  private readonly ladders: ChannelLadder[];
  private readonly n: number;
  private readonly weight: number;
  private timer: TimerHandle | undefined;
  private t0 = 0;
  /** Availability start of the live timeline (segment n is complete at ast + (n + 1) x seg). */
  private ast = 0;
  private readonly segMs: number;
  private readonly segS: number;
  private compiledVersion = -1;
  private joins = 0;
  private readonly cruisesBegun = { closedForm: 0, sampled: 0 };

  // Per slot, fixed: who the viewer is.
  private readonly region: Uint8Array;
  private readonly isp: Uint8Array;
  private readonly device: Uint8Array;
  private readonly player: Uint8Array;
  private readonly channel: Uint8Array;
  private readonly variant: Uint8Array;
  private readonly standby: Uint8Array;
  private readonly downBps: Float64Array;
  /** Playlist reload phase within a segment period, ms. */
  private readonly reloadPhase: Float64Array;
  // Per session.
  private readonly serial: Int32Array;
  private readonly phase: Uint8Array;
  private readonly pop: Uint8Array;
  private readonly cdn: Uint8Array;
  private readonly joinAt: Float64Array;
  private readonly requestT: Float64Array;
  private readonly startAt: Float64Array;
  private readonly failAt: Float64Array;
  private readonly failSituation: Uint8Array;
  private readonly failStatus: Int16Array;
  private readonly patienceAt: Float64Array;
  private readonly startHang: Uint8Array;
  private readonly manifestMs: Float64Array;
  private readonly licenceMs: Float64Array;
  private readonly leaveAt: Float64Array;
  private readonly stallPatience: Float64Array;
  // Playback.
  private readonly buffer: Float64Array;
  private readonly nextSeg: Int32Array;
  private readonly known: Int32Array;
  private readonly availAfter: Float64Array;
  private readonly dl: Uint8Array;
  private readonly dlKind: Uint8Array;
  private readonly dlAt: Float64Array;
  private readonly dlOutcome: Uint8Array;
  private readonly dlStatus: Int16Array;
  private readonly dlBps: Float64Array;
  private readonly errCount: Uint8Array;
  private readonly rung: Uint8Array;
  private readonly estimate: Float64Array;
  private readonly holeIn: Float64Array;
  private readonly holeMs: Float64Array;
  private readonly stallUntil: Float64Array;
  private readonly stallStart: Float64Array;
  private readonly recoveries: Uint8Array;
  private readonly lastRecovery: Float64Array;
  private readonly lastCorruptBreak: Int32Array;
  private readonly penaltyCdn: Int8Array;
  private readonly penaltyUntil: Float64Array;
  // Background impairment, heartbeats, steering.
  private readonly impNext: Float64Array;
  private readonly steerPhase: Float64Array;
  private readonly lastT: Float64Array;
  private readonly wake: Float64Array;
  // Cruise: a steady session fast-forwarded in closed form (see maybeCruise).
  private readonly cruise: Uint8Array;
  private readonly cruiseFrom: Float64Array;
  private readonly cruiseL: Float64Array;
  private readonly cruiseC: Float64Array;
  private readonly cruiseLimit: Float64Array;
  private readonly cruiseRate: Float64Array;
  private readonly cruiseOrigin: Uint8Array;
  /** The route of a cruising session's playlist (its segment's differs in the kind only). */
  private readonly cruiseMan: Int32Array;
  /**
   * A sampled cruise (see sampledCruise) ends here: just before the fetch of segment `pullSeg`,
   * or after the cycle under way when its odds changed (pullSeg -1).
   */
  private readonly cruiseExit: Float64Array;
  /** The segment whose fetch reaches the origin (a sampled cruise's draw), or -1. */
  private readonly pullSeg: Int32Array;
  /** The odds that a cycle stays clear of the origin (q) a sampled cruise's draw was made with. */
  private readonly cruiseOdds: Float64Array;
  /** Expected origin pulls/s of all cruising sessions, per origin. */
  private readonly cruisePulls = new Float64Array(2);
  private cruiseMinLimit = Number.POSITIVE_INFINITY;
  /** Per channel x variant: no freeze, gap or drift in force. */
  private readonly cvQuiet: Uint8Array;
  /** Per device class: the ad-pod flag breaks its playback. */
  private adBroken: boolean[] = [];
  /** Live player versions (deploy registry), by player index. */
  private playerVersions: string[] = [];
  private adPod = { enabled: false, brokenFor: [] as string[], breakEverySegments: 15, breakSegments: 2 };
  private readonly impUntil: Float64Array;
  private readonly impBps: Float64Array;
  private readonly nextHb: Float64Array;
  private readonly hbMedia: Float64Array;
  private readonly hbBits: Float64Array;
  private readonly nextSteer: Float64Array;

  // Per channel x variant, refreshed each tick.
  private readonly frozenEdge: Float64Array;
  private readonly driftS: Float64Array;
  /** Per channel x variant: 1 when the last refresh moved its freeze or drift. */
  private readonly channelMoved: Uint8Array;
  private readonly gapFn: (((n: number) => boolean) | undefined)[];
  // Per region: steering order (CDN indices) and whether it is the region's default.
  private steerOrder: number[][] = [];
  private steerDefault: boolean[] = [];
  // Per CDN x region: impairment multiplier from congestion, and last tick's weighted load.
  private readonly congestion: Float64Array;
  private readonly load: Float64Array;
  private readonly impairmentPerMs: number;
  /** Shared label objects (labelsOf), and the player versions sessions were started with. */
  private readonly labelObjects = new Map<number, SessionLabels>();
  private readonly versionIds = new Map<string, number>();
  private readonly versions: string[] = [];
  private readonly version: Int32Array;
  // Per channel x rendition (dims.rungs per channel): peak video bit rate, bytes of a segment
  // (mean video + audio); per channel: the top rendition.
  private readonly videoBps: Float64Array;
  private readonly segBytes: Float64Array;
  private readonly topRung: Int32Array;

  constructor(opts: SimulatorOptions) {
    this.clock = opts.clock;
    this.topology = opts.stack?.topology ?? resolveTopology(opts.topology ?? {});
    this.ladders = loadLadders(opts.mediaDir);
    this.population = resolvePopulation(
      opts.population ?? {},
      this.topology,
      this.ladders.map((l) => l.channel),
    );
    this.constants = withConstants(opts.constants);
    this.heartbeats = opts.heartbeats ?? true;
    this.sampling = opts.sampledCruise ?? true;
    const k = this.constants;
    this.dims = new Dims(this.topology, this.ladders);
    // The stream of createRng(`virtual-population|${seed}`), allocation-free (fast-rng.ts).
    this.rnd = fastRng(`virtual-population|${opts.seed}`);
    this.stack = opts.stack ?? new VirtualStack(this.clock, this.topology, opts.seed);
    const scale = this.population.viewers / k.originReferenceViewers;
    const o = this.topology.origin;
    this.origins = [
      new OriginQueue(o.concurrency, o.serviceMs, scale),
      new OriginQueue(o.concurrency, o.serviceMs, scale),
    ];
    this.model = new FaultModel(this.dims, k, this.origins, this.rnd);
    this.n = this.population.sessions;
    this.weight = this.population.weight;
    this.emitter = new EventEmitter(opts.sink, this.n, this.weight);
    this.players = this.playerIds.map((id) => k.players[id]);
    this.segS = this.ladders[0]!.segmentSeconds;
    this.segMs = this.segS * 1000;
    // Baseline impairment scales with the population's target rebuffering (calibrated at 0.7 %).
    this.impairmentPerMs =
      (k.impairmentPerHour / 3_600_000) * (this.population.baselineRebufferPercent / 0.7);

    const n = this.n;
    this.region = new Uint8Array(n);
    this.isp = new Uint8Array(n);
    this.device = new Uint8Array(n);
    this.player = new Uint8Array(n);
    this.channel = new Uint8Array(n);
    this.variant = new Uint8Array(n);
    this.standby = new Uint8Array(n);
    this.downBps = new Float64Array(n);
    this.reloadPhase = new Float64Array(n);
    this.serial = new Int32Array(n);
    this.version = new Int32Array(n);
    this.phase = new Uint8Array(n);
    this.pop = new Uint8Array(n);
    this.cdn = new Uint8Array(n);
    this.joinAt = new Float64Array(n);
    this.requestT = new Float64Array(n);
    this.startAt = new Float64Array(n);
    this.failAt = new Float64Array(n);
    this.failSituation = new Uint8Array(n);
    this.failStatus = new Int16Array(n);
    this.patienceAt = new Float64Array(n);
    this.startHang = new Uint8Array(n);
    this.manifestMs = new Float64Array(n);
    this.licenceMs = new Float64Array(n);
    this.leaveAt = new Float64Array(n);
    this.stallPatience = new Float64Array(n);
    this.buffer = new Float64Array(n);
    this.nextSeg = new Int32Array(n);
    this.known = new Int32Array(n);
    this.availAfter = new Float64Array(n);
    this.dl = new Uint8Array(n);
    this.dlKind = new Uint8Array(n);
    this.dlAt = new Float64Array(n);
    this.dlOutcome = new Uint8Array(n);
    this.dlStatus = new Int16Array(n);
    this.dlBps = new Float64Array(n);
    this.errCount = new Uint8Array(n);
    this.rung = new Uint8Array(n);
    this.estimate = new Float64Array(n);
    this.holeIn = new Float64Array(n);
    this.holeMs = new Float64Array(n);
    this.stallUntil = new Float64Array(n);
    this.stallStart = new Float64Array(n);
    this.recoveries = new Uint8Array(n);
    this.lastRecovery = new Float64Array(n);
    this.lastCorruptBreak = new Int32Array(n);
    this.penaltyCdn = new Int8Array(n);
    this.penaltyUntil = new Float64Array(n);
    this.impNext = new Float64Array(n);
    this.steerPhase = new Float64Array(n);
    this.lastT = new Float64Array(n);
    this.wake = new Float64Array(n);
    this.cruise = new Uint8Array(n);
    this.cruiseFrom = new Float64Array(n);
    this.cruiseL = new Float64Array(n);
    this.cruiseC = new Float64Array(n);
    this.cruiseLimit = new Float64Array(n);
    this.cruiseRate = new Float64Array(n);
    this.cruiseOrigin = new Uint8Array(n);
    this.cruiseExit = new Float64Array(n);
    this.cruiseMan = new Int32Array(n);
    this.pullSeg = new Int32Array(n).fill(-1);
    this.cruiseOdds = new Float64Array(n);
    this.impUntil = new Float64Array(n);
    this.impBps = new Float64Array(n);
    this.nextHb = new Float64Array(n);
    this.hbMedia = new Float64Array(n);
    this.hbBits = new Float64Array(n);
    this.nextSteer = new Float64Array(n);
    const cv = this.dims.channels.length * 2;
    this.frozenEdge = new Float64Array(cv);
    this.driftS = new Float64Array(cv);
    this.channelMoved = new Uint8Array(cv);
    this.gapFn = new Array(cv).fill(undefined);
    this.cvQuiet = new Uint8Array(cv);
    this.congestion = new Float64Array(this.dims.cdns.length * this.dims.regions.length).fill(1);
    this.load = new Float64Array(this.dims.cdns.length * this.dims.regions.length);
    const rungs = this.dims.rungs;
    this.videoBps = new Float64Array(this.ladders.length * rungs);
    this.segBytes = new Float64Array(this.ladders.length * rungs);
    this.topRung = new Int32Array(this.ladders.length);
    this.ladders.forEach((l, ch) => {
      this.topRung[ch] = l.video.length - 1;
      l.video.forEach((r, k) => {
        this.videoBps[ch * rungs + k] = r.bandwidth;
        this.segBytes[ch * rungs + k] = ((r.averageBandwidth + l.audioBps) * this.segS) / 8;
      });
    });
    this.assignViewers();
  }

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

  // ---------------------------------------------------------------- population

  private assignViewers(): void {
    const p = this.population;
    const d = this.dims;
    const k = this.constants;
    for (let i = 0; i < this.n; i++) {
      const r = pick(p.regionShares, this.rnd());
      const regionName = p.regions[r]!;
      const ri = d.regions.indexOf(regionName);
      this.region[i] = ri;
      const mix = p.isps[r]!;
      const ispName = mix.names[pick(mix.shares, this.rnd())]!;
      this.isp[i] = d.isps.indexOf(ispName);
      const devName = p.devices[pick(p.deviceShares, this.rnd())]!;
      this.device[i] = d.devices.indexOf(devName);
      this.player[i] = this.playerIds.indexOf(p.players[pick(p.playerShares, this.rnd())]!);
      this.channel[i] = d.channels.indexOf(p.channels[pick(p.channelShares, this.rnd())]!);
      this.variant[i] = this.rnd() < p.encryptedShare ? 1 : 0;
      this.standby[i] = this.rnd() < p.standbyShare ? 1 : 0;
      const median = k.downlinkMedianMbps[ispName] ?? k.downlinkDefaultMbps;
      const mobile = devName === 'mobile' ? k.mobileDownlinkFactor : 1;
      this.downBps[i] = median * 1e6 * mobile * Math.exp(k.downlinkSigma * this.normal());
      this.reloadPhase[i] = this.rnd() * this.segMs;
    }
  }

  private normal(): number {
    // Box-Muller on the seeded stream.
    const u = 1 - this.rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rnd());
  }

  private lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  // ---------------------------------------------------------------- stack state

  /** Recompiles the stack's state; returns, per region, whether its steering answer changed. */
  private refreshStackState(): boolean[] {
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

  private refreshChannels(t: number): void {
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

  /** Newest segment of a channel/variant available at time t. */
  private liveEdge(cv: number, t: number): number {
    const f = this.frozenEdge[cv]!;
    const e = Math.floor((t - this.ast) / this.segMs) - 1;
    return f >= 0 && f < e ? f : e;
  }

  // ---------------------------------------------------------------- the step

  private tick(): void {
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
  private stepSessions(t1: number): void {
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
  private stackChanged(t: number): void {
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

  /**
   * Cruising session i on the stack just compiled: it goes on cruising while maybeCruise's stack
   * conditions hold (its expected origin pulls following the new miss rates), else it is back to
   * full simulation from t.
   */
  private recruise(i: number, t: number): void {
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

  private updateCongestion(): void {
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
  private advance(i: number, tEnd: number): void {
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

  private sleep(i: number, t: number, wake: number): void {
    this.lastT[i] = t;
    this.wake[i] = wake;
  }

  /** Plays `s` seconds of media from the buffer. */
  private playFor(i: number, s: number): void {
    this.buffer[i] = this.buffer[i]! - s;
    this.hbMedia[i] = this.hbMedia[i]! + s;
    this.hbBits[i] = this.hbBits[i]! + s * this.videoBps[this.channel[i]! * this.dims.rungs + this.rung[i]!]!;
    if (this.holeIn[i]! >= 0) this.holeIn[i] = this.holeIn[i]! - s;
  }

  /**
   * The heartbeat due at `at` of a session whose state is at `t` (≤ at), playing (or cruising)
   * since: its figures include the media played from t to `at`, taken off the next heartbeat's.
   * The session's state and time stay at t: heartbeats change nothing else (not even the float
   * rounding of the buffer), so a run without them simulates exactly the same sessions.
   */
  private heartbeatAt(i: number, t: number, at: number, playing: boolean): void {
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

  /**
   * A background impairment candidate (thinning: candidates come at the highest possible rate,
   * each kept with probability congestion / IMPAIRMENT_THINNING, so the rate follows CDN load).
   */
  private impairment(i: number, t: number): void {
    const k = this.constants;
    const ci = this.cdn[i]! * this.dims.regions.length + this.region[i]!;
    if (this.rnd() * IMPAIRMENT_THINNING < this.congestion[ci]!) {
      this.impUntil[i] = t + this.lognormal(k.impairmentMedianMs, k.impairmentSigma);
      this.impBps[i] = k.impairmentMinBps + this.rnd() * (k.impairmentMaxBps - k.impairmentMinBps);
    }
    this.impNext[i] = t - Math.log(1 - this.rnd()) / (this.impairmentPerMs * IMPAIRMENT_THINNING);
  }

  /** Media played and bits played since the last heartbeat (as the harness's viewer page reports). */
  private emitHeartbeat(i: number, t: number): void {
    this.emitter.heartbeat(i, t, Math.round(this.hbMedia[i]! * 1000) / 1000, Math.round(this.hbBits[i]!));
    this.hbMedia[i] = 0;
    this.hbBits[i] = 0;
  }

  /** The session's next steering reload at or after t (reloads every TTL, at its own phase). */
  private nextReload(i: number, t: number): number {
    const ttl = this.topology.steeringTtlSeconds * 1000;
    let r = (this.steerPhase[i]! - t) % ttl;
    if (r < 0) r += ttl;
    return t + r;
  }

  // ---------------------------------------------------------------- session lifecycle

  private join(i: number, t: number): void {
    const k = this.constants;
    const d = this.dims;
    const p = this.population;
    this.joins++;
    const serial = ++this.serial[i]!;
    const sid = `vs-${i}-${serial}`;
    const regionName = d.regions[this.region[i]!]!;
    // Request routing as the real stack does it: a stable hash of the session id picks the POP.
    const local = this.topology.regions[regionName]!.pops.indexOf(routePop(this.topology, regionName, sid));
    this.pop[i] = d.regionPops[this.region[i]!]![local]!;
    this.penaltyCdn[i] = -1;
    this.cdn[i] = this.desiredPathway(i, t);
    const pl = this.players[this.player[i]!]!;
    const playerVersion = this.playerVersions[this.player[i]!] ?? PLAYERS[this.player[i]!]!.version;
    let version = this.versionIds.get(playerVersion);
    if (version === undefined) {
      version = this.versions.length;
      this.versionIds.set(playerVersion, version);
      this.versions.push(playerVersion);
    }
    this.version[i] = version;
    this.emitter.begin(i, sid, this.labelsOf(i));
    this.phase[i] = STARTING;
    this.requestT[i] = t;
    this.patienceAt[i] = t + this.lognormal(p.patienceMedianMs, k.patienceSigma);
    this.stallPatience[i] = this.lognormal(k.stallPatienceMedianMs, k.stallPatienceSigma);
    this.leaveAt[i] = t - Math.log(1 - this.rnd()) * p.meanWatchMs;
    this.nextHb[i] = this.heartbeats ? t + k.heartbeatMs : Number.POSITIVE_INFINITY;
    this.hbMedia[i] = 0;
    this.hbBits[i] = 0;
    // Steering reloads every TTL at the session's own phase; the model only wakes a session for one
    // when the steering state changed since (see stackChanged), which is when a reload can matter.
    this.steerPhase[i] = this.rnd() * this.topology.steeringTtlSeconds * 1000;
    this.nextSteer[i] = Number.POSITIVE_INFINITY;
    this.impNext[i] = t - Math.log(1 - this.rnd()) / (this.impairmentPerMs * IMPAIRMENT_THINNING);
    this.addLoad(i, 1);
    this.estimate[i] = pl.abrDefaultEstimateBps;
    this.rung[i] = this.chooseRung(i, pl, -1);
    this.errCount[i] = 0;
    this.recoveries[i] = 0;
    this.lastRecovery[i] = Number.NEGATIVE_INFINITY;
    this.lastCorruptBreak[i] = -1;
    this.holeIn[i] = -1;
    this.holeMs[i] = 0;
    this.stallUntil[i] = 0;
    this.dl[i] = IDLE;
    this.buffer[i] = 0;
    this.emitter.emit(i, 'playbackRequest', t);
    this.planStartup(i, t);
  }

  /**
   * Works out the whole startup at once (entry manifest, CDN playlist, then licence in parallel
   * with init + first segment), under the faults in force: when the first frame appears, or when
   * the player gives up. A request that hangs without a player timeout leaves the start open until
   * the stack changes (`replanHungStartup`).
   */
  private planStartup(i: number, tReq: number): void {
    const pl = this.players[this.player[i]!]!;
    const m = this.model;
    this.startHang[i] = 0;
    this.manifestMs[i] = 0;
    this.licenceMs[i] = 0;
    this.failAt[i] = Number.POSITIVE_INFINITY;
    this.startAt[i] = Number.POSITIVE_INFINITY;
    // Entry: multivariant playlist (hls.js) or MPD (Shaka).
    const entryRow = m.entryRow(this.isp[i]!, this.channel[i]!, this.variant[i]!, this.device[i]!);
    let t = this.attempts(
      () => m.entryRequest(entryRow),
      pl.manifestAttempts,
      pl.manifestRetryMs,
      1,
      pl.manifestTimeoutMs,
    );
    if (this.settle(i, tReq, t, 'manifest')) return;
    // The first media playlist from the CDN pathway.
    const route = this.route(i, K_MANIFEST);
    const t2 = this.attempts(
      () => m.cdnRequest(route, PLAYLIST_BYTES, this.downBps[i]!, 1, this.weight),
      3,
      pl.retryBaseMs,
      1,
      pl.segmentTimeoutMs,
    );
    if (this.settle(i, tReq, t + t2, 'playlist')) return;
    t += t2;
    this.manifestMs[i] = t;
    // Licence (encrypted) in parallel with init + first segment.
    let lic = 0;
    if (this.variant[i] === 1) {
      const drm = this.dims.deviceDrm[this.device[i]!]!;
      lic = this.attempts(
        () => m.licenceRequest(drm),
        pl.licenceAttempts,
        pl.licenceRetryMs,
        1,
        pl.licenceTimeoutMs,
      );
      if (this.settle(i, tReq, t + lic, 'licence')) return;
    }
    this.licenceMs[i] = lic;
    const init = this.route(i, K_INIT);
    const seg = this.route(i, K_SEGMENT);
    const bytes = this.segmentBytes(i);
    const attempts = pl.liveNetworkRetriesForever ? 40 : pl.segmentErrorAttempts;
    const media = this.attempts(
      () =>
        m.cdnRequest(init, INIT_BYTES, this.downBps[i]!, 2, this.weight) +
        (m.outcome === O_OK
          ? m.cdnRequest(seg, bytes, this.downBps[i]!, this.constants.objectsPerSegment, this.weight)
          : 0),
      attempts,
      pl.retryBaseMs,
      pl.retryFactor,
      pl.segmentTimeoutMs,
    );
    if (this.outcome !== O_OK && pl.liveNetworkRetriesForever) {
      // Shaka keeps retrying a live stream: no error, no first frame (the viewer's patience decides).
      this.startHang[i] = 1;
      return;
    }
    if (this.settle(i, tReq, t + media, 'segment')) return;
    this.startAt[i] = tReq + t + Math.max(lic, media) + pl.startOverheadMs;
  }

  /** Result of the last `attempts` run: O_OK, O_STATUS, NETERR, O_HANG, O_MALFORMED or TIMEOUT. */
  private outcome = O_OK;
  private outcomeStatus = 0;

  /**
   * Runs a request with the player's retry policy; returns the total time, ms, and leaves the
   * final outcome in `outcome`. A hang without a timeout returns Infinity.
   */
  private attempts(
    req: () => number,
    max: number,
    baseMs: number,
    factor: number,
    timeoutMs: number,
  ): number {
    let total = 0;
    for (let a = 1; ; a++) {
      let d = req();
      let o = this.model.outcome;
      if (o === O_HANG || d > timeoutMs) {
        if (timeoutMs === Number.POSITIVE_INFINITY) {
          this.outcome = O_HANG;
          return Number.POSITIVE_INFINITY;
        }
        d = timeoutMs;
        o = TIMEOUT;
      }
      total += d;
      // A 4xx licence answer, a malformed body: no point retrying.
      const final =
        o === O_MALFORMED || (o === O_STATUS && this.model.status >= 400 && this.model.status < 500);
      if (o === O_OK || a >= max || final) {
        this.outcome = o;
        this.outcomeStatus = this.model.status;
        return total;
      }
      total += Math.min(baseMs * factor ** (a - 1), 8000);
    }
  }

  /** After a startup step: records a failure or hang; true when the startup ends here. */
  private settle(
    i: number,
    tReq: number,
    t: number,
    step: 'manifest' | 'playlist' | 'licence' | 'segment',
  ): boolean {
    const o = this.outcome;
    if (o === O_OK) return false;
    if (o === O_HANG) {
      this.startHang[i] = 1;
      return true;
    }
    const kind =
      o === O_STATUS ? 'status' : o === O_MALFORMED ? 'malformed' : o === TIMEOUT ? 'timeout' : 'network';
    let situation: ErrorSituation;
    if (step === 'licence')
      situation =
        kind === 'status' ? 'licence-status' : kind === 'timeout' ? 'licence-timeout' : 'licence-network';
    else if (step === 'manifest' || step === 'playlist') {
      const base = step === 'manifest' ? 'manifest' : 'playlist';
      situation = `${base}-${kind === 'timeout' && base === 'playlist' ? 'network' : kind}` as ErrorSituation;
    } else
      situation =
        kind === 'timeout' ? 'segment-timeout' : kind === 'status' ? 'segment-status' : 'segment-network';
    this.failAt[i] = tReq + t;
    this.failSituation[i] = ERROR_SITUATIONS.indexOf(situation);
    this.failStatus[i] = o === O_STATUS ? this.outcomeStatus : 0;
    return true;
  }

  /** The stack changed: a start that hung on a request is planned again from now. */
  private replanHungStartup(i: number, t: number): void {
    // The hung request completes now; the model replays the startup from here (the steps that
    // had succeeded cost their few ms again) and counts the wait into the licence time when the
    // hang was there.
    const manifest = this.manifestMs[i]!;
    this.planStartup(i, t);
    if (this.variant[i] === 1 && manifest > 0) {
      this.licenceMs[i] = this.licenceMs[i]! + (t - this.requestT[i]! - manifest);
      this.manifestMs[i] = manifest;
    }
  }

  /** Keeps the weighted load of each CDN x region (for congestion) as sessions come, go and move. */
  private addLoad(i: number, sign: 1 | -1): void {
    const ci = this.cdn[i]! * this.dims.regions.length + this.region[i]!;
    this.load[ci] = this.load[ci]! + sign * this.weight;
  }

  private beginPlayback(i: number, t: number): void {
    const pl = this.players[this.player[i]!]!;
    const cv = this.channel[i]! * 2 + this.variant[i]!;
    const edge = this.liveEdge(cv, t);
    const startSeg = edge - pl.liveSyncSegments + 1;
    this.phase[i] = PLAYING;
    this.nextSeg[i] = startSeg + 1;
    this.known[i] = edge;
    this.buffer[i] = this.segS;
    this.availAfter[i] = t;
    this.dl[i] = IDLE;
    this.emitter.emit(i, 'playbackStart', t, {
      startupMs: Math.round(t - this.requestT[i]!),
      manifestMs: Math.round(this.manifestMs[i]!),
      ...(this.variant[i] === 1 ? { licenceMs: Math.round(this.licenceMs[i]!) } : {}),
    });
    this.emitRendition(i, t);
  }

  private fatal(i: number, t: number, situation: number, status: number): void {
    const error = this.error(i, ERROR_SITUATIONS[situation]!, true, status || undefined);
    this.emitter.emit(i, 'playerError', t, { error });
    this.end(i, t, 'playbackFail', 'fail', error);
  }

  /** Ends the session (as the real viewer page does: a stall is closed first), schedules a rejoin. */
  private end(
    i: number,
    t: number,
    type: 'playbackExit' | 'playbackFail',
    reason: string,
    error?: PlayerErrorInfo,
  ): void {
    const k = this.constants;
    const ph = this.phase[i];
    if (ph === STALLED) this.emitter.emit(i, 'playbackStallEnd', t);
    if (this.heartbeats && type === 'playbackExit' && ph !== STARTING) this.emitHeartbeat(i, t);
    if (type === 'playbackFail') this.emitter.emit(i, 'playbackFail', t, { error: error! });
    else this.emitter.emit(i, 'playbackExit', t, { reason });
    this.phase[i] = OFF;
    this.dl[i] = IDLE;
    this.addLoad(i, -1);
    this.joinAt[i] = t + this.lognormal(k.rejoinMedianMs, k.rejoinSigma);
  }

  // ---------------------------------------------------------------- playback

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
  private maybeCruise(i: number, t: number, cv: number, pl: PlayerModel): void {
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

  private enterCruise(i: number, t: number, latency: number, c: number, origin: number, man: number): void {
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
  private sampledCruise(
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
  private pullOdds(man: number, seg: number): number {
    return (1 - this.model.originShare(man)) * (1 - this.model.originShare(seg));
  }

  /** Cycles before the next one that reaches the origin (geometric; Infinity when none ever does). */
  private cleanCycles(q: number): number {
    if (q >= 1) return Number.POSITIVE_INFINITY;
    return Math.floor(Math.log(1 - this.rnd()) / Math.log(q));
  }

  /**
   * The sampled cruise ends 1 ms before the fetch of segment `pull` begins (cruise bookkeeping):
   * a draw must stay open to being forgotten until its cycle begins, whether it says the cycle
   * reaches the origin or not — were a pull settled earlier than a miss, leaving on new odds
   * would forget misses more often than pulls, and pull too often.
   */
  private schedulePull(i: number, pull: number): void {
    this.pullSeg[i] = Number.isFinite(pull) ? pull : -1;
    this.cruiseExit[i] = this.cruiseCompletion(i, pull) - CRUISE_FETCH_MS - 1;
  }

  /** When a cruising session completes segment n (C includes a typical fetch of CRUISE_FETCH_MS). */
  private cruiseCompletion(i: number, n: number): number {
    return this.ast + n * this.segMs + this.cruiseC[i]!;
  }

  /** Media and bits played while cruising, up to T. */
  private cruiseAccount(i: number, T: number): void {
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
  private cruiseLast(i: number, T: number): number {
    return Math.max(Math.floor((T - this.ast - this.cruiseC[i]!) / this.segMs), this.nextSeg[i]! - 1);
  }

  /** Rebuilds the exact state of a cruising session at T and returns it to full simulation. */
  private leaveCruise(i: number, T: number): void {
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
  private dropCruisers(t: number, wait: number): void {
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

  private stall(i: number, t: number, pl: PlayerModel, forcedMs: number): void {
    this.phase[i] = STALLED;
    this.stallStart[i] = t;
    this.stallUntil[i] = t + forcedMs;
    this.holeMs[i] = forcedMs;
    this.emitter.emit(i, 'playbackStall', t);
    // A player that reports every stall as an error (hls.js bufferStalledError; the harness relays it).
    if (pl.stallError && forcedMs === 0)
      this.emitter.emit(i, 'playerError', t, { error: this.error(i, 'stalled', false) });
  }

  private maybeResume(i: number, t: number, pl: PlayerModel, drift: number): void {
    if (t < this.stallUntil[i]!) return;
    const eff = this.buffer[i]! - drift;
    // After a jumped hole any buffered media will do; a starved buffer needs the resume goal.
    const need = this.holeMs[i]! > 0 ? 0.05 : pl.resumeBufferS;
    if (eff < need) return;
    this.phase[i] = PLAYING;
    this.holeMs[i] = 0;
    this.emitter.emit(i, 'playbackStallEnd', t);
  }

  /** When the next request can start (now or later). */
  private availability(i: number, cv: number, t: number, pl: PlayerModel): number {
    const next = this.nextSeg[i]!;
    let a = this.availAfter[i]!;
    // Forward buffer full: wait until it drains below the goal (only while playing).
    if (this.buffer[i]! >= pl.maxBufferS) {
      if (this.phase[i] !== PLAYING) return Number.POSITIVE_INFINITY;
      a = Math.max(a, t + (this.buffer[i]! - pl.maxBufferS) * 1000 + 1);
    }
    if (next <= this.known[i]!) return Math.max(a, t);
    // Not announced yet: the next playlist reload after the segment is published.
    const f = this.frozenEdge[cv]!;
    if (f >= 0 && f < next) return Number.POSITIVE_INFINITY;
    const published = this.ast + (next + 1) * this.segMs;
    return Math.max(a, published + this.reloadPhase[i]!, t);
  }

  /**
   * Starts the next request at t: the playlist reload that announces the next segment (when it is
   * not known yet) chained with the segment itself, or the segment alone. A lost segment (gap) is
   * skipped without a request.
   */
  private startFetch(i: number, cv: number, t: number, pl: PlayerModel): void {
    const m = this.model;
    let next = this.nextSeg[i]!;
    const edge = this.liveEdge(cv, t);
    // The next segment left the playlist's sliding window: the player jumps to the live point.
    if (next < edge - this.constants.liveWindowSegments + 1) {
      next = edge - pl.liveSyncSegments + 2;
      this.nextSeg[i] = next;
      this.buffer[i] = 0;
      this.known[i] = edge;
    }
    let d = 0;
    // A sampled cruise's draw: this fetch reaches the origin (its playlist, its segment or both).
    let pullMan = P_DRAW;
    let pullSeg = P_DRAW;
    if (this.pullSeg[i] === next) {
      this.pullSeg[i] = -1;
      const pm = m.originShare(this.route(i, K_MANIFEST));
      const ps = m.originShare(this.route(i, K_SEGMENT));
      const u = this.rnd() * (1 - (1 - pm) * (1 - ps));
      pullMan = u < pm ? P_PULL : P_NO_PULL;
      pullSeg = u >= pm * (1 - ps) ? P_PULL : P_NO_PULL;
    }
    if (next > this.known[i]!) {
      d = m.cdnRequest(this.route(i, K_MANIFEST), PLAYLIST_BYTES, this.downBps[i]!, 1, this.weight, pullMan);
      const known = this.liveEdge(cv, t + d);
      if (m.outcome !== O_OK || known < next) {
        // Failed, or nothing new yet (hls.js reloads an unchanged live playlist after half a target duration).
        this.known[i] = Math.max(this.known[i]!, known);
        this.inFlight(i, t, d, DL_PLAYLIST, pl);
        return;
      }
      this.known[i] = known;
    }
    const gap = this.gapFn[cv];
    if (gap?.(next)) {
      // A segment the packager lost: an HLS player knows it from EXT-X-GAP, a DASH player gets a
      // 404 (gapErrorStatus); both skip it and later jump the hole in the buffer.
      if (pl.gapErrorStatus > 0)
        this.emitter.emit(i, 'playerError', t, {
          error: this.error(i, 'segment-status', false, pl.gapErrorStatus),
        });
      this.nextSeg[i] = next + 1;
      if (this.holeIn[i]! < 0) {
        this.holeIn[i] = this.buffer[i]!;
        this.holeMs[i] = pl.gapJumpMs;
      }
      this.availAfter[i] = t + d;
      return;
    }
    const bytes = this.segmentBytes(i);
    const bps = this.throughput(i, t + d, bytes * 8);
    this.dlBps[i] = bps;
    d += m.cdnRequest(
      this.route(i, K_SEGMENT),
      bytes,
      bps,
      this.constants.objectsPerSegment,
      this.weight,
      pullSeg,
    );
    this.inFlight(i, t, d, DL_MEDIA, pl);
  }

  /** Records the request in flight; a hang or a slow answer ends at the player's timeout. */
  private inFlight(i: number, t: number, d: number, kind: number, pl: PlayerModel): void {
    let o = this.model.outcome;
    if (o === O_HANG) {
      o = TIMEOUT;
      d = pl.segmentTimeoutMs;
    } else if (d > pl.segmentLoadTimeoutMs) {
      o = TIMEOUT;
      d = pl.segmentLoadTimeoutMs;
    }
    this.dl[i] = FETCH;
    this.dlKind[i] = kind;
    this.dlAt[i] = t + Math.max(1, d);
    this.dlOutcome[i] = o;
    this.dlStatus[i] = this.model.status;
  }

  private completeFetch(i: number, cv: number, t: number, pl: PlayerModel): void {
    if (this.dl[i] === BACKOFF) {
      this.dl[i] = IDLE;
      return;
    }
    this.dl[i] = IDLE;
    const o = this.dlOutcome[i]!;
    if (o === O_OK) {
      this.errCount[i] = 0;
      if (this.dlKind[i] === DL_PLAYLIST) {
        // The reload brought nothing new (frozen, or not published yet): reload again in half a
        // target duration, as hls.js does for an unchanged live playlist.
        this.availAfter[i] = t + this.segMs / 2;
        return;
      }
      const n = this.nextSeg[i]!;
      this.nextSeg[i] = n + 1;
      this.buffer[i] = this.buffer[i]! + this.segS;
      this.updateAbr(i, t, pl);
      this.checkAdBreak(i, n, t, pl);
      if (this.phase[i] === PLAYING) this.maybeCruise(i, t, cv, pl);
      return;
    }
    // A failed request: report, back off, retry — or give up where the real player does.
    const playlist = this.dlKind[i] === DL_PLAYLIST;
    const kind =
      o === O_STATUS
        ? 'status'
        : o === TIMEOUT
          ? 'timeout'
          : o === O_MALFORMED
            ? 'malformed'
            : ('network' as const);
    const situation = (
      playlist
        ? kind === 'malformed'
          ? 'playlist-malformed'
          : kind === 'status'
            ? 'playlist-status'
            : 'playlist-network'
        : kind === 'timeout'
          ? 'segment-timeout'
          : kind === 'status'
            ? 'segment-status'
            : 'segment-network'
    ) as ErrorSituation;
    const status = o === O_STATUS ? this.dlStatus[i]! : undefined;
    const count = this.errCount[i]! + 1;
    this.errCount[i] = Math.min(count, 255);
    const limit = o === TIMEOUT ? pl.segmentTimeoutAttempts : pl.segmentErrorAttempts;
    if (pl.liveNetworkRetriesForever) {
      // Shaka: a request fails after its attempts (one 1001/1002/1003 error), then streaming retries.
      if (count % limit === 0)
        this.emitter.emit(i, 'playerError', t, { error: this.error(i, situation, false, status) });
      const delay =
        count % limit === 0
          ? 100
          : Math.min(pl.retryBaseMs * pl.retryFactor ** ((count % limit) - 1), pl.retryMaxMs);
      this.backoff(i, t, delay);
      return;
    }
    if (count < limit) {
      this.emitter.emit(i, 'playerError', t, { error: this.error(i, situation, false, status) });
      const delay =
        o === TIMEOUT ? 0 : Math.min(pl.retryBaseMs * pl.retryFactor ** (count - 1), pl.retryMaxMs);
      this.backoff(i, t, delay);
      return;
    }
    // hls.js: retries exhausted. Another pathway? Penalise this one and move; else fatal.
    if (pl.pathwayFailover) {
      const alt = this.alternatePathway(i, t);
      if (alt >= 0) {
        this.emitter.emit(i, 'playerError', t, { error: this.error(i, situation, false, status) });
        this.penaltyCdn[i] = this.cdn[i]!;
        this.penaltyUntil[i] = t + pl.pathwayPenaltyMs;
        // Back to the preferred pathway at the first steering reload after the penalty.
        this.nextSteer[i] = this.nextReload(i, this.penaltyUntil[i]!);
        this.switchPathway(i, alt, t);
        this.errCount[i] = 0;
        return;
      }
    }
    this.fatal(i, t, ERROR_SITUATIONS.indexOf(situation), status ?? 0);
  }

  private backoff(i: number, t: number, delay: number): void {
    this.dl[i] = BACKOFF;
    this.dlAt[i] = t + Math.max(1, delay);
  }

  private checkAdBreak(i: number, n: number, t: number, pl: PlayerModel): void {
    const ad = this.adPod;
    if (!ad.enabled || n % ad.breakEverySegments >= ad.breakSegments) return;
    if (!ad.brokenFor.includes(this.dims.devices[this.device[i]!]!)) return;
    const brk = Math.floor(n / ad.breakEverySegments);
    if (brk === this.lastCorruptBreak[i]) return; // one error per ad break
    this.lastCorruptBreak[i] = brk;
    // hls.js: the harness recovers a media error at most twice, never twice within 10 s.
    if (!pl.corruptSegmentFatal && this.recoveries[i]! < 2 && t - this.lastRecovery[i]! > 10_000) {
      this.recoveries[i] = this.recoveries[i]! + 1;
      this.lastRecovery[i] = t;
      this.emitter.emit(i, 'playerError', t, { error: this.error(i, 'corrupt-segment', false) });
      if (this.holeIn[i]! < 0) {
        this.holeIn[i] = Math.max(0, this.buffer[i]! - this.segS);
        this.holeMs[i] = pl.corruptSegmentStallMs;
      }
      return;
    }
    this.fatal(i, t, ERROR_SITUATIONS.indexOf('corrupt-segment'), 0);
  }

  // ---------------------------------------------------------------- ABR, pathways, requests

  private updateAbr(i: number, t: number, pl: PlayerModel): void {
    const sample = this.dlBps[i]!;
    this.estimate[i] = pl.abrEwmaAlpha * sample + (1 - pl.abrEwmaAlpha) * this.estimate[i]!;
    const cur = this.rung[i]!;
    const next = this.chooseRung(i, pl, cur);
    if (next !== cur) {
      this.rung[i] = next;
      this.emitRendition(i, t);
    }
  }

  private chooseRung(i: number, pl: PlayerModel, cur: number): number {
    const ch = this.channel[i]!;
    const bps = this.videoBps;
    const o = ch * this.dims.rungs;
    const top = this.topRung[ch]!;
    const est = this.estimate[i]!;
    let best = 0;
    for (let r = 0; r <= top; r++) {
      // Going up needs more headroom than staying (hls.js abrBandWidthUpFactor, Shaka upgrade target).
      const factor = r > cur && cur >= 0 ? pl.abrUpFactor : pl.abrDownFactor;
      if (bps[o + r]! <= est * factor) best = r;
    }
    return best;
  }

  /** The error session i's player reports in a situation (its traits' error table). */
  private error(i: number, situation: ErrorSituation, fatal: boolean, status?: number): PlayerErrorInfo {
    return playerError(this.playerIds[this.player[i]!]!, situation, fatal, status);
  }

  private emitRendition(i: number, t: number): void {
    const r = this.ladders[this.channel[i]!]!.video[this.rung[i]!]!;
    this.emitter.emit(i, 'renditionUpdate', t, { bitrate: r.bandwidth, width: r.width, height: r.height });
  }

  /** Throughput for a transfer of `bits` starting at t, with a background impairment episode. */
  private throughput(i: number, t: number, bits: number): number {
    const normal = this.downBps[i]!;
    const until = this.impUntil[i]!;
    if (until <= t) return normal;
    const slow = Math.min(this.impBps[i]!, normal);
    const slowBits = (slow * (until - t)) / 1000;
    if (bits <= slowBits) return slow;
    const ms = until - t + ((bits - slowBits) * 1000) / normal;
    return (bits * 1000) / ms;
  }

  private segmentBytes(i: number): number {
    return this.segBytes[this.channel[i]! * this.dims.rungs + this.rung[i]!]!;
  }

  private route(i: number, kind: number): number {
    return this.dims.route(
      this.cdn[i]!,
      this.pop[i]!,
      this.isp[i]!,
      this.channel[i]!,
      this.variant[i]!,
      this.device[i]!,
      this.rung[i]!,
      kind,
    );
  }

  /**
   * The labels of the session in slot i (its seat, player version, CDN and POP now): one frozen
   * object per distinct set, shared by every session that carries it (the metric engine keys its
   * cell cache on the object).
   */
  private labelsOf(i: number): SessionLabels {
    const d = this.dims;
    const v = this.variant[i]!;
    const key =
      (((((((this.version[i]! * d.regions.length + this.region[i]!) * d.isps.length + this.isp[i]!) *
        d.devices.length +
        this.device[i]!) *
        this.players.length +
        this.player[i]!) *
        d.channels.length +
        this.channel[i]!) *
        2 +
        v) *
        d.cdns.length +
        this.cdn[i]!) *
        d.pops.length +
      this.pop[i]!;
    let labels = this.labelObjects.get(key);
    if (!labels) {
      labels = Object.freeze({
        region: d.regions[this.region[i]!]!,
        isp: d.isps[this.isp[i]!]!,
        device: d.devices[this.device[i]!]!,
        player: this.playerIds[this.player[i]!]!,
        playerVersion: this.versions[this.version[i]!]!,
        channel: d.channels[this.channel[i]!]!,
        variant: VARIANTS[v]!,
        drm: v === 1 ? d.drm[this.device[i]!]! : 'none',
        cdn: d.cdns[this.cdn[i]!]!,
        pop: d.pops[this.pop[i]!]!,
      });
      this.labelObjects.set(key, labels);
    }
    return labels;
  }

  /** The pathway the steering answer puts this session on. */
  private desiredPathway(i: number, t: number): number {
    const r = this.region[i]!;
    const order = this.steerOrder[r]!;
    let choice = order[0]!;
    if (this.standby[i] === 1 && this.steerDefault[r] && order.length > 1) choice = order[1]!;
    if (choice === this.penaltyCdn[i] && t < this.penaltyUntil[i]!) {
      const alt = order.find((c) => c !== choice);
      if (alt !== undefined) choice = alt;
    }
    return choice;
  }

  private alternatePathway(i: number, t: number): number {
    const order = this.steerOrder[this.region[i]!]!;
    for (const c of order) {
      if (c === this.cdn[i]) continue;
      if (c === this.penaltyCdn[i] && t < this.penaltyUntil[i]!) continue;
      return c;
    }
    return -1;
  }

  private refreshSteering(i: number, t: number): void {
    const ttl = this.topology.steeringTtlSeconds * 1000;
    this.model.steeringRequest(this.region[i]!);
    // The answer can change only with the stack (stackChanged schedules a reload then) or when a
    // penalty ends (the first reload after it brings the player back to the preferred pathway).
    this.nextSteer[i] =
      t < this.penaltyUntil[i]! ? this.nextReload(i, this.penaltyUntil[i]!) : Number.POSITIVE_INFINITY;
    // A failed steering request keeps the current pathway; the player tries again next reload.
    if (this.model.outcome !== O_OK) {
      this.nextSteer[i] = t + ttl;
      return;
    }
    const want = this.desiredPathway(i, t);
    if (want !== this.cdn[i]) this.switchPathway(i, want, t);
  }

  private switchPathway(i: number, to: number, t: number): void {
    const d = this.dims;
    const from = d.cdns[this.cdn[i]!]!;
    this.addLoad(i, -1);
    this.cdn[i] = to;
    this.addLoad(i, 1);
    // As the harness does: the event already carries the new pathway.
    this.emitter.relabel(i, this.labelsOf(i));
    this.emitter.emit(i, 'pathwayChange', t, { from, to: d.cdns[to]! });
  }
}
