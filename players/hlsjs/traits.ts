/**
 * hls.js as data: the errors it raises (`{type, details}` of `Events.ERROR`, as `adapter.ts`
 * reports them) and the population model's parameters, each with its source (the adapter's
 * configuration, hls.js 1.7 defaults) or the calibration that set it
 * (`test/e2e/calibration.test.ts`, docs/simulator.md).
 */
import type { PlayerTraits } from '../traits.ts';

export const HLSJS: PlayerTraits<'hlsjs'> = {
  id: 'hlsjs',
  label: 'hls.js',
  library: 'hls.js',
  version: '1.7.4',
  protocol: 'hls',
  defaultCohort: true,
  defaultShare: 0.6,
  errors: {
    'segment-status': ['networkError', 'fragLoadError'],
    'segment-network': ['networkError', 'fragLoadError'],
    'segment-timeout': ['networkError', 'fragLoadTimeOut'],
    'playlist-status': ['networkError', 'levelLoadError'],
    'playlist-network': ['networkError', 'levelLoadError'],
    'playlist-malformed': ['networkError', 'levelParsingError'],
    'manifest-status': ['networkError', 'manifestLoadError'],
    'manifest-network': ['networkError', 'manifestLoadError'],
    'manifest-timeout': ['networkError', 'manifestLoadTimeOut'],
    'manifest-malformed': ['networkError', 'manifestParsingError'],
    'licence-status': ['keySystemError', 'keySystemLicenseRequestFailed'],
    'licence-network': ['keySystemError', 'keySystemLicenseRequestFailed'],
    'licence-timeout': ['keySystemError', 'keySystemLicenseRequestFailed'],
    'corrupt-segment': ['mediaError', 'bufferAppendError'],
    stalled: ['mediaError', 'bufferStalledError'],
  },
  model: {
    // adapter config: liveSyncDurationCount 3, maxBufferLength 20.
    liveSyncSegments: 3,
    maxBufferS: 20,
    // hls.js resumes when the next fragment is appended (one 2 s segment).
    resumeBufferS: 2,
    // Calibrated (test/e2e/calibration.test.ts): real hls.js in the harness starts in 0.28-0.32 s
    // with the model's round trips added to the stub stack, of which the requests take ~0.13 s:
    // 0.15-0.19 s of the player's own (the platform facts' 0.5-0.7 s was not this measurement).
    startOverheadMs: 170,
    // manifestLoadPolicy: maxLoadTimeMs 20 s.
    manifestTimeoutMs: 20_000,
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
    pathwayPenaltySteeringTtl: false,
    // gap-controller nudges over a hole after detecting the stall (~1 s).
    gapJumpMs: 1000,
    // A lost segment is an EXT-X-GAP in the playlist: hls.js never requests it.
    gapErrorStatus: 0,
    // Every stall is a non-fatal bufferStalledError (the adapter relays it).
    stallError: true,
    // The adapter calls recoverMediaError (bounded): a stall, not a failure.
    corruptSegmentFatal: false,
    corruptSegmentStallMs: 1500,
    // abrEwmaDefaultEstimate 500 kbps, abrBandWidthFactor 0.95, abrBandWidthUpFactor 0.7.
    abrDefaultEstimateBps: 500_000,
    abrDownFactor: 0.95,
    abrUpFactor: 0.7,
    abrEwmaAlpha: 0.3,
  },
};
