/**
 * The population simulator's state: one seat of the audience per slot, everything about it in
 * typed arrays indexed by slot (who the viewer is, the session, playback, cruise), the per-channel
 * and per-CDN state, and the small queries every layer uses (routes, labels, throughput, the live
 * edge). The base of the simulator's layers (session-state → playback → startup → cruise →
 * simulator); `simulator.ts` has the overview.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { PlayerErrorInfo, SessionLabels } from '../core/events.ts';
import { resolveTopology, type Topology, type TopologyInput } from '../origin-stub/topology.ts';
import type { ErrorSituation } from '../players/errors.ts';
import { PLAYER_IDS, type PlayerId } from '../players/registry.ts';
import { type DeepPartial, type ModelConstants, type PlayerModel, withConstants } from './constants.ts';
import { Dims, VARIANTS } from './dims.ts';
import { EventEmitter, type SessionSink } from './emitter.ts';
import { fastRng } from './fast-rng.ts';
import { FaultModel } from './fault-model.ts';
import { type ChannelLadder, loadLadders } from './media.ts';
import { OriginQueue } from './origin-queue.ts';
import { playerError } from './player-errors.ts';
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

/** A session's phase. */
export const PHASE = { OFF: 0, STARTING: 1, PLAYING: 2, STALLED: 3 } as const;
/** Its request: none, one in flight, or a backoff before the next attempt. */
export const DL = { IDLE: 0, FETCH: 1, BACKOFF: 2 } as const;
/** What the request in flight is. */
export const DL_KIND = { MEDIA: 0, PLAYLIST: 1 } as const;
export const SIM = {
  /** A request outcome the player turns into a timeout (its own timer fired). */
  TIMEOUT: 5,
  /** Most CDN congestion can multiply background impairment by (and the thinning rate). */
  IMPAIRMENT_THINNING: 4,
  /** Typical time of a playlist + segment fetch on a clean route, ms (cruise bookkeeping). */
  CRUISE_FETCH_MS: 100,
  /** Buffer a cruising session must keep in hand at its lowest point, s. */
  CRUISE_MARGIN_S: 0.5,
  PLAYLIST_BYTES: 1500,
  INIT_BYTES: 1200,
} as const;

export abstract class SessionState {
  readonly stack: VirtualStack;
  readonly topology: Topology;
  readonly population: Population;
  readonly constants: ModelConstants;
  protected readonly heartbeats: boolean;
  protected readonly sampling: boolean;
  readonly dims: Dims;
  readonly origins: [OriginQueue, OriginQueue];
  protected readonly clock: Clock;
  protected readonly rnd: () => number;
  protected readonly model: FaultModel;
  protected readonly emitter: EventEmitter;
  /** The registry's players (players/registry.ts): ids and model parameters, by player index. */
  protected readonly playerIds: readonly PlayerId[] = PLAYER_IDS;
  protected readonly players: PlayerModel[];
  protected readonly ladders: ChannelLadder[];
  protected readonly n: number;
  protected readonly weight: number;
  protected timer: TimerHandle | undefined;
  protected t0 = 0;
  /** Availability start of the live timeline (segment n is complete at ast + (n + 1) x seg). */
  protected ast = 0;
  protected readonly segMs: number;
  protected readonly segS: number;
  protected compiledVersion = -1;
  protected joins = 0;
  protected readonly cruisesBegun = { closedForm: 0, sampled: 0 };

  // Per slot, fixed: who the viewer is.
  protected readonly region: Uint8Array;
  protected readonly isp: Uint8Array;
  protected readonly device: Uint8Array;
  protected readonly player: Uint8Array;
  protected readonly channel: Uint8Array;
  protected readonly variant: Uint8Array;
  protected readonly standby: Uint8Array;
  protected readonly downBps: Float64Array;
  /** Playlist reload phase within a segment period, ms. */
  protected readonly reloadPhase: Float64Array;
  // Per session.
  protected readonly serial: Int32Array;
  protected readonly phase: Uint8Array;
  protected readonly pop: Uint8Array;
  protected readonly cdn: Uint8Array;
  protected readonly joinAt: Float64Array;
  protected readonly requestT: Float64Array;
  protected readonly startAt: Float64Array;
  protected readonly failAt: Float64Array;
  protected readonly failSituation: Uint8Array;
  protected readonly failStatus: Int16Array;
  protected readonly patienceAt: Float64Array;
  protected readonly startHang: Uint8Array;
  protected readonly manifestMs: Float64Array;
  protected readonly licenceMs: Float64Array;
  protected readonly leaveAt: Float64Array;
  protected readonly stallPatience: Float64Array;
  // Playback.
  protected readonly buffer: Float64Array;
  protected readonly nextSeg: Int32Array;
  protected readonly known: Int32Array;
  protected readonly availAfter: Float64Array;
  protected readonly dl: Uint8Array;
  protected readonly dlKind: Uint8Array;
  protected readonly dlAt: Float64Array;
  protected readonly dlOutcome: Uint8Array;
  protected readonly dlStatus: Int16Array;
  protected readonly dlBps: Float64Array;
  protected readonly errCount: Uint8Array;
  protected readonly rung: Uint8Array;
  protected readonly estimate: Float64Array;
  protected readonly holeIn: Float64Array;
  protected readonly holeMs: Float64Array;
  protected readonly stallUntil: Float64Array;
  protected readonly stallStart: Float64Array;
  protected readonly recoveries: Uint8Array;
  protected readonly lastRecovery: Float64Array;
  protected readonly lastCorruptBreak: Int32Array;
  protected readonly penaltyCdn: Int8Array;
  protected readonly penaltyUntil: Float64Array;
  // Background impairment, heartbeats, steering.
  protected readonly impNext: Float64Array;
  protected readonly steerPhase: Float64Array;
  protected readonly lastT: Float64Array;
  protected readonly wake: Float64Array;
  // Cruise: a steady session fast-forwarded in closed form (see maybeCruise).
  protected readonly cruise: Uint8Array;
  protected readonly cruiseFrom: Float64Array;
  protected readonly cruiseL: Float64Array;
  protected readonly cruiseC: Float64Array;
  protected readonly cruiseLimit: Float64Array;
  protected readonly cruiseRate: Float64Array;
  protected readonly cruiseOrigin: Uint8Array;
  /** The route of a cruising session's playlist (its segment's differs in the kind only). */
  protected readonly cruiseMan: Int32Array;
  /**
   * A sampled cruise (see sampledCruise) ends here: just before the fetch of segment `pullSeg`,
   * or after the cycle under way when its odds changed (pullSeg -1).
   */
  protected readonly cruiseExit: Float64Array;
  /** The segment whose fetch reaches the origin (a sampled cruise's draw), or -1. */
  protected readonly pullSeg: Int32Array;
  /** The odds that a cycle stays clear of the origin (q) a sampled cruise's draw was made with. */
  protected readonly cruiseOdds: Float64Array;
  /** Expected origin pulls/s of all cruising sessions, per origin. */
  protected readonly cruisePulls = new Float64Array(2);
  protected cruiseMinLimit = Number.POSITIVE_INFINITY;
  /** Per channel x variant: no freeze, gap or drift in force. */
  protected readonly cvQuiet: Uint8Array;
  /** Per device class: the ad-pod flag breaks its playback. */
  protected adBroken: boolean[] = [];
  /** Live player versions (deploy registry), by player index. */
  protected playerVersions: string[] = [];
  protected adPod = { enabled: false, brokenFor: [] as string[], breakEverySegments: 15, breakSegments: 2 };
  protected readonly impUntil: Float64Array;
  protected readonly impBps: Float64Array;
  protected readonly nextHb: Float64Array;
  protected readonly hbMedia: Float64Array;
  protected readonly hbBits: Float64Array;
  protected readonly nextSteer: Float64Array;

  // Per channel x variant, refreshed each tick.
  protected readonly frozenEdge: Float64Array;
  protected readonly driftS: Float64Array;
  /** Per channel x variant: 1 when the last refresh moved its freeze or drift. */
  protected readonly channelMoved: Uint8Array;
  protected readonly gapFn: (((n: number) => boolean) | undefined)[];
  // Per region: steering order (CDN indices) and whether it is the region's default.
  protected steerOrder: number[][] = [];
  protected steerDefault: boolean[] = [];
  // Per CDN x region: impairment multiplier from congestion, and last tick's weighted load.
  protected readonly congestion: Float64Array;
  protected readonly load: Float64Array;
  protected readonly impairmentPerMs: number;
  /** Shared label objects (labelsOf), and the player versions sessions were started with. */
  protected readonly labelObjects = new Map<number, SessionLabels>();
  protected readonly versionIds = new Map<string, number>();
  protected readonly versions: string[] = [];
  protected readonly version: Int32Array;
  // Per channel x rendition (dims.rungs per channel): peak video bit rate, bytes of a segment
  // (mean video + audio); per channel: the top rendition.
  protected readonly videoBps: Float64Array;
  protected readonly segBytes: Float64Array;
  protected readonly topRung: Int32Array;

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

  protected assignViewers(): void {
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

  protected normal(): number {
    // Box-Muller on the seeded stream.
    const u = 1 - this.rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rnd());
  }

  protected lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Newest segment of a channel/variant available at time t. */
  protected liveEdge(cv: number, t: number): number {
    const f = this.frozenEdge[cv]!;
    const e = Math.floor((t - this.ast) / this.segMs) - 1;
    return f >= 0 && f < e ? f : e;
  }

  protected sleep(i: number, t: number, wake: number): void {
    this.lastT[i] = t;
    this.wake[i] = wake;
  }

  /** Plays `s` seconds of media from the buffer. */
  protected playFor(i: number, s: number): void {
    this.buffer[i] = this.buffer[i]! - s;
    this.hbMedia[i] = this.hbMedia[i]! + s;
    this.hbBits[i] = this.hbBits[i]! + s * this.videoBps[this.channel[i]! * this.dims.rungs + this.rung[i]!]!;
    if (this.holeIn[i]! >= 0) this.holeIn[i] = this.holeIn[i]! - s;
  }

  /** Media played and bits played since the last heartbeat (as the harness's viewer page reports). */
  protected emitHeartbeat(i: number, t: number): void {
    this.emitter.heartbeat(i, t, Math.round(this.hbMedia[i]! * 1000) / 1000, Math.round(this.hbBits[i]!));
    this.hbMedia[i] = 0;
    this.hbBits[i] = 0;
  }

  /** The session's next steering reload at or after t (reloads every TTL, at its own phase). */
  protected nextReload(i: number, t: number): number {
    const ttl = this.topology.steeringTtlSeconds * 1000;
    let r = (this.steerPhase[i]! - t) % ttl;
    if (r < 0) r += ttl;
    return t + r;
  }

  /** Keeps the weighted load of each CDN x region (for congestion) as sessions come, go and move. */
  protected addLoad(i: number, sign: 1 | -1): void {
    const ci = this.cdn[i]! * this.dims.regions.length + this.region[i]!;
    this.load[ci] = this.load[ci]! + sign * this.weight;
  }

  /** The error session i's player reports in a situation (its traits' error table). */
  protected error(i: number, situation: ErrorSituation, fatal: boolean, status?: number): PlayerErrorInfo {
    return playerError(this.playerIds[this.player[i]!]!, situation, fatal, status);
  }

  protected emitRendition(i: number, t: number): void {
    const r = this.ladders[this.channel[i]!]!.video[this.rung[i]!]!;
    this.emitter.emit(i, 'renditionUpdate', t, { bitrate: r.bandwidth, width: r.width, height: r.height });
  }

  /** Throughput for a transfer of `bits` starting at t, with a background impairment episode. */
  protected throughput(i: number, t: number, bits: number): number {
    const normal = this.downBps[i]!;
    const until = this.impUntil[i]!;
    if (until <= t) return normal;
    const slow = Math.min(this.impBps[i]!, normal);
    const slowBits = (slow * (until - t)) / 1000;
    if (bits <= slowBits) return slow;
    const ms = until - t + ((bits - slowBits) * 1000) / normal;
    return (bits * 1000) / ms;
  }

  protected segmentBytes(i: number): number {
    return this.segBytes[this.channel[i]! * this.dims.rungs + this.rung[i]!]!;
  }

  protected route(i: number, kind: number): number {
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
  protected labelsOf(i: number): SessionLabels {
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
}
