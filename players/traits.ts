/**
 * What a player is, as data: who it is (id, library, pinned version, the protocol it plays), how
 * the cohorts and the population use it, the error it raises in each situation, and the parameters
 * the population model plays it with. One file per player (`players/<id>/traits.ts`, beside its
 * page adapter) fills this in; `players/registry.ts` lists them. The model has no player-name
 * branches: every behavioural difference between players is a field here.
 */
import type { ErrorTable } from './errors.ts';

/** How one model player behaves: the parameters that matter for QoE under faults. */
export interface PlayerModel {
  /** Live start position and steady-state latency, in segments behind the live edge. */
  liveSyncSegments: number;
  /** Forward buffer target, seconds (the live edge usually binds first). */
  maxBufferS: number;
  /** Media that must be buffered again before a stall ends, seconds. */
  resumeBufferS: number;
  /** Clean startup overhead after the first segment arrives (MSE setup, decode, first frame), ms. */
  startOverheadMs: number;
  /** Entry manifest (multivariant playlist / MPD) at startup: time after which a load is abandoned, ms. */
  manifestTimeoutMs: number;
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
  /** The penalty lasts one steering TTL instead (dash.js: its blacklist expires with the steering answer). */
  pathwayPenaltySteeringTtl: boolean;
  /** Stall while the player detects and jumps a hole in the buffer (segment gap), ms. */
  gapJumpMs: number;
  /**
   * A segment the packager lost: the HTTP status the player requests it into and reports as a
   * non-fatal segment error (DASH: 404), or 0 when the playlist announces the gap (HLS EXT-X-GAP)
   * and nothing is requested or reported.
   */
  gapErrorStatus: number;
  /** Every stall (buffer ran dry) is also reported as a non-fatal `stalled` error (hls.js bufferStalledError). */
  stallError: boolean;
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
}

export interface PlayerTraits<Id extends string = string> {
  /** The name everywhere: cohorts, labels, deploy component `player-<id>`, population shares. */
  id: Id;
  /** How people write it ("hls.js"). */
  label: string;
  /** The npm package the page plays it with, and the version pinned in package.json. */
  library: string;
  version: string;
  /** The stream it plays: the entry point's HLS multivariant playlist or its DASH MPD. */
  protocol: 'hls' | 'dash';
  /** Dealt to real viewers when `--cohorts` names no player (false: opt-in, named explicitly). */
  defaultCohort: boolean;
  /** Share of a scenario population when the scenario names no players (0: opt-in). */
  defaultShare: number;
  /** The error the real library raises in each situation (as its adapter reports it). */
  errors: ErrorTable;
  /** The population model's parameters (docs/simulator.md, "Model players"). */
  model: PlayerModel;
}
