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

/** How one model player behaves: the parameters that matter for QoE under faults. */
export interface PlayerModel {
  id: 'hlsjs' | 'shaka';
  /** Live start position and steady-state latency, in segments behind the live edge. */
  liveSyncSegments: number;
  /** Forward buffer target, seconds (the live edge usually binds first). */
  maxBufferS: number;
  /** Media that must be buffered again before a stall ends, seconds. */
  resumeBufferS: number;
  /** Clean startup overhead after the first segment arrives (MSE setup, decode, first frame), ms. */
  startOverheadMs: number;
  /** Segment/playlist requests: attempts on an HTTP error (1 + retries) before the player gives up. */
  segmentErrorAttempts: number;
  /** Segment/playlist requests: attempts after a timeout. */
  segmentTimeoutAttempts: number;
  /** Retry delay: min(base x factor^n, max), ms. */
  retryBaseMs: number;
  retryFactor: number;
  retryMaxMs: number;
  /** No answer (time to first byte) after which a segment request is abandoned, ms. */
  segmentTimeoutMs: number;
  /** Whole-request time after which a slow segment download is abandoned, ms. */
  segmentLoadTimeoutMs: number;
  /** Multivariant/MPD load at startup: attempts on an error, delay between them. */
  manifestAttempts: number;
  manifestRetryMs: number;
  /** Licence requests: attempts on a 5xx, delay between them, timeout (Infinity: none). */
  licenceAttempts: number;
  licenceRetryMs: number;
  licenceTimeoutMs: number;
  /** True when network errors on a live stream are retried forever (never fatal). */
  liveNetworkRetriesForever: boolean;
  /** After exhausting segment retries, switch to another steering pathway when one exists. */
  pathwayFailover: boolean;
  /** How long a failed pathway stays penalised, ms. */
  pathwayPenaltyMs: number;
  /** Stall while the player detects and jumps a hole in the buffer (segment gap), ms. */
  gapJumpMs: number;
  /** A broken ad creative: fatal for this player (true), or a recovered media error with a stall. */
  corruptSegmentFatal: boolean;
  corruptSegmentStallMs: number;
  /** ABR: estimate used before the first measurement, bits/s. */
  abrDefaultEstimateBps: number;
  /** ABR: pick the highest rendition whose bandwidth <= estimate x factor (down / up). */
  abrDownFactor: number;
  abrUpFactor: number;
  /** ABR: weight of a new throughput sample in the estimate (EWMA, per segment). */
  abrEwmaAlpha: number;
  /** Player library version label when the deploy registry has none. */
  version: string;
}

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
  players: { hlsjs: PlayerModel; shaka: PlayerModel };
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
  players: {
    hlsjs: {
      id: 'hlsjs',
      // player-harness hls.js adapter config: liveSyncDurationCount 3, maxBufferLength 20.
      liveSyncSegments: 3,
      maxBufferS: 20,
      // hls.js resumes when the next fragment is appended (one 2 s segment).
      resumeBufferS: 2,
      // Calibrated (test/e2e/calibration.test.ts): real hls.js in the harness starts in 0.28-0.32 s
      // with the model's round trips added to the stub stack, of which the requests take ~0.13 s:
      // 0.15-0.19 s of the player's own (the platform facts' 0.5-0.7 s was not this measurement).
      startOverheadMs: 170,
      // hls.js 1.7 fragLoadPolicy: errorRetry maxNumRetry 6, 1 s x 2^n capped at 8 s; but the
      // count is shared by the video and audio fragment loaders (error-controller sums
      // level.fragmentError), so a dead POP fails both in turn and the backoff climbs twice as fast:
      // measured, the 7th error (~13.8 s) moves video to the other pathway and audio's pending 8 s
      // retry brings playback back ~18.5 s after the first error. The model fetches both as one
      // request: 5 attempts, 1.5 s x 2^n (1.5 + 3 + 6 + 8 s) give the same ~18.5 s (calibrated;
      // the startup playlist retries, which use the same base, are 1.5 s apart instead of 1 s).
      // timeoutRetry maxNumRetry 4 (not recalibrated); maxTimeToFirstByteMs 10 s.
      segmentErrorAttempts: 5,
      segmentTimeoutAttempts: 5,
      retryBaseMs: 1500,
      retryFactor: 2,
      retryMaxMs: 8000,
      segmentTimeoutMs: 10_000,
      // fragLoadPolicy maxLoadTimeMs.
      segmentLoadTimeoutMs: 120_000,
      // manifestLoadPolicy: errorRetry maxNumRetry 1, 1 s.
      manifestAttempts: 2,
      manifestRetryMs: 1000,
      // eme-controller: a 5xx licence answer is retried at once up to keyLoadPolicy.errorRetry
      // maxNumRetry (8), a 4xx is fatal at once; the licence XHR has no timeout (a hang: no error).
      licenceAttempts: 9,
      licenceRetryMs: 0,
      licenceTimeoutMs: Number.POSITIVE_INFINITY,
      liveNetworkRetriesForever: false,
      // error-controller: exhausted retries send the pathway to the penalty box (content steering).
      pathwayFailover: true,
      pathwayPenaltyMs: 300_000,
      // gap-controller nudges over a hole after detecting the stall (~1 s).
      gapJumpMs: 1000,
      // The adapter calls recoverMediaError (bounded): a stall, not a failure.
      corruptSegmentFatal: false,
      corruptSegmentStallMs: 1500,
      // abrEwmaDefaultEstimate 500 kbps, abrBandWidthFactor 0.95, abrBandWidthUpFactor 0.7.
      abrDefaultEstimateBps: 500_000,
      abrDownFactor: 0.95,
      abrUpFactor: 0.7,
      abrEwmaAlpha: 0.3,
      version: '1.7.4',
    },
    shaka: {
      id: 'shaka',
      // origin-stub DASH suggestedPresentationDelay = 3 segments; adapter bufferingGoal 10.
      liveSyncSegments: 3,
      maxBufferS: 10,
      // Shaka rebufferingGoal: playback resumes with ~2 s buffered.
      resumeBufferS: 2,
      // Calibrated (test/e2e/calibration.test.ts): real Shaka starts in 0.23-0.26 s with the
      // model's round trips, ~0.13 s of them requests: ~0.1 s of the player's own.
      startOverheadMs: 110,
      // player-harness Shaka adapter retryParameters: 3 attempts, 1 s base, factor 2, 10 s timeout;
      // on a live stream the default failure callback retries 1001/1002/1003 forever.
      segmentErrorAttempts: 3,
      segmentTimeoutAttempts: 3,
      retryBaseMs: 1000,
      retryFactor: 2,
      retryMaxMs: 8000,
      segmentTimeoutMs: 10_000,
      // Shaka's `timeout` bounds the whole request.
      segmentLoadTimeoutMs: 10_000,
      manifestAttempts: 3,
      manifestRetryMs: 1000,
      // drm.retryParameters = the same RETRY: 3 attempts, 10 s timeout, then 6007 (critical).
      licenceAttempts: 3,
      licenceRetryMs: 1000,
      licenceTimeoutMs: 10_000,
      liveNetworkRetriesForever: true,
      pathwayFailover: false,
      pathwayPenaltyMs: 0,
      // jumpLargeGaps: Shaka jumps holes quickly.
      gapJumpMs: 500,
      // A corrupt video segment is a decode error (3016, critical): the session ends.
      corruptSegmentFatal: true,
      corruptSegmentStallMs: 0,
      // abr.defaultBandwidthEstimate 1 Mbps, bandwidthDowngradeTarget 0.95, bandwidthUpgradeTarget 0.85.
      abrDefaultEstimateBps: 1_000_000,
      abrDownFactor: 0.95,
      abrUpFactor: 0.85,
      abrEwmaAlpha: 0.3,
      version: '5.2.12',
    },
  },
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
