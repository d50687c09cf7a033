/**
 * dash.js as data: the errors it raises (its `error` event's numeric code, with the family the
 * adapter gives it: 25 manifest download, 27 segment download, 10 manifest parsing, 114 licence
 * request failed) and the population model's parameters, each with its source (dash.js 5.2
 * defaults, the adapter's configuration) or the measurement and calibration that set it
 * (`test/e2e/calibration.test.ts`, docs/simulator.md "dash.js").
 *
 * dash.js is opt-in: no default cohort or population share, so default runs and the catalogue's
 * journals are as they were before it was added.
 */
import type { PlayerTraits } from '../traits.ts';

export const DASHJS: PlayerTraits<'dashjs'> = {
  id: 'dashjs',
  label: 'dash.js',
  library: 'dashjs',
  version: '5.2.1',
  protocol: 'dash',
  defaultCohort: false,
  defaultShare: 0,
  errors: {
    'segment-status': ['download', '27'],
    'segment-network': ['download', '27'],
    'segment-timeout': ['download', '27'],
    'playlist-status': ['download', '25'],
    'playlist-network': ['download', '25'],
    'playlist-malformed': ['manifest', '10'],
    'manifest-status': ['download', '25'],
    'manifest-network': ['download', '25'],
    'manifest-timeout': ['download', '25'],
    'manifest-malformed': ['manifest', '10'],
    'licence-status': ['drm', '114'],
    'licence-network': ['drm', '114'],
    'licence-timeout': ['drm', '114'],
    'corrupt-segment': ['media', '20'],
    stalled: ['media', 'bufferStalled'],
  },
  model: {
    // The stub MPD's suggestedPresentationDelay (3 segments); dash.js honours it by default.
    liveSyncSegments: 3,
    // streaming.buffer.stableBufferTime 12 s (the live edge binds first).
    maxBufferS: 12,
    // dash.js resumes once a segment is appended again.
    resumeBufferS: 2,
    // Calibrated (calibration-control): real dash.js started in 0.31 s with the model's round
    // trips on the stub stack, ~0.13 s of them requests: ~0.17 s of the player's own.
    startOverheadMs: 170,
    // streaming.manifestRequestTimeout 10 s.
    manifestTimeoutMs: 10_000,
    // retryAttempts MediaSegment 3 (1 + 3), retryIntervals 1 s, no backoff.
    segmentErrorAttempts: 4,
    segmentTimeoutAttempts: 4,
    retryBaseMs: 1000,
    retryFactor: 1,
    retryMaxMs: 1000,
    // streaming.fragmentRequestTimeout 20 s bounds the whole request.
    segmentTimeoutMs: 20_000,
    segmentLoadTimeoutMs: 20_000,
    // retryAttempts MPD 3, retryIntervals MPD 500 ms.
    manifestAttempts: 4,
    manifestRetryMs: 500,
    // retryAttempts license 3, 1 s apart; then 114.
    licenceAttempts: 4,
    licenceRetryMs: 1000,
    licenceTimeoutMs: Number.POSITIVE_INFINITY,
    // Segment downloads are scheduled again after their retries: never fatal on live.
    liveNetworkRetriesForever: true,
    // Measured (calibration-pop-503): a segment that fails after its retries puts its service
    // location on the blacklist and the next request goes to the other steering pathway, before
    // the live buffer runs out (real dash.js stalled 0.3 % of its watch time where Shaka, which
    // stays, stalls ~40 %). The blacklist lasts one steering TTL (Content Steering on), then the
    // steering answer may bring it back to the failing pathway, and it fails over again.
    pathwayFailover: true,
    pathwayPenaltyMs: 0,
    pathwayPenaltySteeringTtl: true,
    gapJumpMs: 500,
    // A lost segment is requested and answers 404 (a non-fatal 27), then skipped.
    gapErrorStatus: 404,
    stallError: false,
    corruptSegmentFatal: true,
    corruptSegmentStallMs: 0,
    // No initial bitrate configured: 1 Mbps; throughput rule: bandwidthSafetyFactor 0.9.
    abrDefaultEstimateBps: 1_000_000,
    abrDownFactor: 0.9,
    abrUpFactor: 0.9,
    abrEwmaAlpha: 0.3,
  },
};
