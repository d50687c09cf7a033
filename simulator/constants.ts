/**
 * Every modelling constant of the virtual-time population simulator, in one place, each with its
 * source (a real player's default, the stub stack's configuration, a published figure) or the
 * calibration that set it. `docs/simulator.md` has the same table with the reasoning.
 *
 * This module is the calibration hook: a calibration test against real players reads
 * {@link DEFAULT_CONSTANTS}, and a simulator run takes overrides through
 * `new PopulationSimulator({ constants: { ... } })` (merged with {@link withConstants}), so nothing
 * here has to be edited to try a different value.
 */
import { PLAYERS, type PlayerId, type PlayerModel } from '../players/registry.ts';

export type { PlayerModel } from '../players/registry.ts';

export interface ModelConstants {
  /** Simulation step, ms. Events inside a step carry exact times. */
  tickMs: number;
  /** One heartbeat per playing session this often, ms (the metric engine drops sessions silent > 60 s). */
  heartbeatMs: number;
  /** Initial joins are spread uniformly over this span, ms, so the population is steady. */
  joinSpreadMs: number;
  /** Gap before a viewer who left (churn, patience, fatal error) starts a new session, ms: lognormal. */
  rejoinMedianMs: number;
  rejoinSigma: number;
  /** Patience before first frame: lognormal spread (median comes from the population spec). */
  patienceSigma: number;
  /** Patience during a stall before the viewer gives up: lognormal median and spread, ms. */
  stallPatienceMedianMs: number;
  stallPatienceSigma: number;
  /** Access network: median downlink per ISP, Mbit/s, and lognormal spread across households. */
  downlinkMedianMbps: Record<string, number>;
  downlinkDefaultMbps: number;
  downlinkSigma: number;
  /** Mobile devices get this share of their ISP's downlink (radio, not the wire). */
  mobileDownlinkFactor: number;
  /** Round trips, ms: viewer to edge POP, edge to shield, shield to origin; licence, entry, steering. */
  rttViewerEdgeMs: number;
  rttEdgeShieldMs: number;
  rttShieldOriginMs: number;
  rttServiceMs: number;
  /** Licence server processing time, ms. */
  licenceServiceMs: number;
  /** Normal cache behaviour for live objects: edge and shield miss ratios per object kind. */
  edgeMissSegment: number;
  edgeMissManifest: number;
  shieldMissSegment: number;
  shieldMissManifest: number;
  /** Live playlist window, segments (origin-stub packager windowSegments default). */
  liveWindowSegments: number;
  /** Objects per media request (video + audio segment fetched together). */
  objectsPerSegment: number;
  /** Parent timeout at POPs (origin-stub PopOptions.parentTimeoutMs): slower pulls answer 504, ms. */
  parentTimeoutMs: number;
  /**
   * Origin capacity scaling: the stub origin's capacity (topology origin: concurrency / serviceMs)
   * stands for a real origin serving this many viewers. Real capacity in pulls/s =
   * concurrency x 1000 / serviceMs x viewers / originReferenceViewers.
   */
  originReferenceViewers: number;
  /** Background impairment (home Wi-Fi, cellular fades, cross-traffic): episodes per viewer-hour. */
  impairmentPerHour: number;
  /** Episode length: lognormal median (ms) and spread. */
  impairmentMedianMs: number;
  impairmentSigma: number;
  /** Throughput during an episode: uniform between these, bits/s. */
  impairmentMinBps: number;
  impairmentMaxBps: number;
  /** CDN congestion: impairment rate x (1 + gain x max(0, load / capacity - 1)) on an over-full CDN. */
  congestionGain: number;
  /** Each registered player's model parameters (its `players/<id>/traits.ts`), by id. */
  players: Record<PlayerId, PlayerModel>;
}

export const DEFAULT_CONSTANTS: ModelConstants = {
  // 1 s: fine enough for stall starts/ends (exact within the step) and cheap enough for 20k sessions.
  tickMs: 1000,
  // 20 s: well inside the metric engine's 60 s staleness limit, sparse enough for ~3 events/min.
  heartbeatMs: 20_000,
  // 60 s of staggered joins: the startup burst is spread like a real audience already watching.
  joinSpreadMs: 60_000,
  // A viewer who left comes back after ~30 s (app relaunch, channel zap); keeps concurrency steady.
  rejoinMedianMs: 30_000,
  rejoinSigma: 0.8,
  // Krishnan & Sitaraman (IMC 2012): abandonment starts after ~2 s and grows ~6 %/s: a wide lognormal.
  patienceSigma: 0.6,
  // Mid-stream abandonment is slower than startup abandonment: most viewers sit through a short stall.
  stallPatienceMedianMs: 45_000,
  stallPatienceSigma: 0.7,
  // Broadband medians of the order published by Ookla/Ofcom for 2025 (telco DSL/fibre mix, cable).
  downlinkMedianMbps: { 'eu-telco': 25, 'eu-cable': 60, 'na-telco': 30, 'na-cable': 80 },
  downlinkDefaultMbps: 30,
  downlinkSigma: 0.8,
  mobileDownlinkFactor: 0.4,
  // Typical metro RTTs: viewer to a nearby POP ~25 ms, POP to regional shield ~10 ms, shield to a
  // single origin region ~40 ms (EMEA and NA both reach it; the difference does not matter at 2 s).
  rttViewerEdgeMs: 25,
  rttEdgeShieldMs: 10,
  rttShieldOriginMs: 40,
  rttServiceMs: 40,
  licenceServiceMs: 30,
  // Live segments: an edge misses each new object once per POP (coalesced), so misses are rare;
  // playlists live 1 s (origin-stub CACHE_MANIFEST max-age=1) and miss more often.
  // Calibrated with the worked example: 4x the segment miss ratio is the "4x cache miss spike".
  edgeMissSegment: 0.05,
  edgeMissManifest: 0.1,
  shieldMissSegment: 0.01,
  shieldMissManifest: 0.02,
  // origin-stub/packager/origin.ts: windowSegments defaults to 10 (a segment stays fetchable one
  // more window); a player further behind jumps to the live point.
  liveWindowSegments: 10,
  objectsPerSegment: 2,
  // origin-stub/cdn/pop.ts DEFAULT_PARENT_TIMEOUT_MS.
  parentTimeoutMs: 10_000,
  // Calibrated (worked example): with the default topology origin (16 x 1000 / 10 ms = 1600 pulls/s
  // per 6,000 viewers -> 213k pulls/s for 800k) normal load is ~10 % of capacity and the shield
  // misconfiguration pushes it past 100 %.
  originReferenceViewers: 13_200,
  // Calibrated: a fault-free population sits at the worked example's 0.7 % rebuffering.
  impairmentPerHour: 4.6,
  impairmentMedianMs: 14_000,
  impairmentSigma: 0.7,
  impairmentMinBps: 30_000,
  impairmentMaxBps: 400_000,
  // Calibrated: EMEA entirely on the standby CDN settles at ~1.1 % (worked example, 19:54 onwards).
  congestionGain: 3.5,
  // Every player's traits (players/<id>/traits.ts), with their sources and calibration.
  players: Object.fromEntries(PLAYERS.map((p) => [p.id, p.model])) as Record<PlayerId, PlayerModel>,
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The defaults with `overrides` merged in (plain objects merged key by key, the rest replaced). */
export function withConstants(overrides: DeepPartial<ModelConstants> = {}): ModelConstants {
  const base = structuredClone(DEFAULT_CONSTANTS) as unknown as Record<string, unknown>;
  return merge(base, overrides as Record<string, unknown>) as unknown as ModelConstants;
}

function merge(target: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = target[k];
    if (isPlain(v) && isPlain(cur)) merge(cur, v);
    else target[k] = v;
  }
  return target;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
