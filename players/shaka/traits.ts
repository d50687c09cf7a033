/**
 * Shaka Player as data: the errors it raises (`{category, code}` of its `error` event as numbers in
 * text — 1 NETWORK: 1001 bad HTTP status, 1002 HTTP error, 1003 timeout; 3 MEDIA: 3016 video
 * error; 4 MANIFEST: 4001 invalid XML; 6 DRM: 6007 licence request failed) and the population
 * model's parameters, each with its source (the adapter's configuration, Shaka 5.2 defaults) or the
 * calibration that set it (`test/e2e/calibration.test.ts`, docs/simulator.md).
 */
import type { PlayerTraits } from '../traits.ts';

export const SHAKA: PlayerTraits<'shaka'> = {
  id: 'shaka',
  label: 'Shaka Player',
  library: 'shaka-player',
  version: '5.2.12',
  protocol: 'dash',
  defaultCohort: true,
  defaultShare: 0.4,
  errors: {
    'segment-status': ['1', '1001'],
    'segment-network': ['1', '1002'],
    'segment-timeout': ['1', '1003'],
    'playlist-status': ['1', '1001'],
    'playlist-network': ['1', '1002'],
    'playlist-malformed': ['4', '4001'],
    'manifest-status': ['1', '1001'],
    'manifest-network': ['1', '1002'],
    'manifest-timeout': ['1', '1003'],
    'manifest-malformed': ['4', '4001'],
    'licence-status': ['6', '6007'],
    'licence-network': ['6', '6007'],
    'licence-timeout': ['6', '6007'],
    'corrupt-segment': ['3', '3016'],
    stalled: ['5', '5000'],
  },
  model: {
    // origin-stub DASH suggestedPresentationDelay = 3 segments; adapter bufferingGoal 10.
    liveSyncSegments: 3,
    maxBufferS: 10,
    // Shaka rebufferingGoal: playback resumes with ~2 s buffered.
    resumeBufferS: 2,
    // Calibrated (test/e2e/calibration.test.ts): real Shaka starts in 0.23-0.26 s with the
    // model's round trips, ~0.13 s of them requests: ~0.1 s of the player's own.
    startOverheadMs: 110,
    // The adapter's retryParameters timeout bounds the MPD request too.
    manifestTimeoutMs: 10_000,
    // adapter retryParameters: 3 attempts, 1 s base, factor 2, 10 s timeout; on a live stream
    // the default failure callback retries 1001/1002/1003 forever.
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
    pathwayPenaltySteeringTtl: false,
    // jumpLargeGaps: Shaka jumps holes quickly.
    gapJumpMs: 500,
    // A lost segment is requested and answers 404 (a non-fatal 1001), then skipped.
    gapErrorStatus: 404,
    // Stalls show as `buffering`, not as errors.
    stallError: false,
    // A corrupt video segment is a decode error (3016, critical): the session ends.
    corruptSegmentFatal: true,
    corruptSegmentStallMs: 0,
    // abr.defaultBandwidthEstimate 1 Mbps, bandwidthDowngradeTarget 0.95, bandwidthUpgradeTarget 0.85.
    abrDefaultEstimateBps: 1_000_000,
    abrDownFactor: 0.95,
    abrUpFactor: 0.85,
    abrEwmaAlpha: 0.3,
  },
};
