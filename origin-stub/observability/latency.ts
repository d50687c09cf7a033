/**
 * The stack's request-latency histograms (prom-client, one observation per answered request, in
 * seconds): origin segment responses per origin, licence responses per DRM label. The components
 * report each latency as it happens; the control API's `/metrics` registers the histograms.
 */
import { Histogram } from 'prom-client';
import { LICENCE_LATENCY_BUCKETS_MS } from '../drm/clearkey-server.ts';

/** Segment response buckets, seconds: from a cache-speed answer to an origin stuck behind its queue. */
const SEGMENT_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class StackLatency {
  readonly segment = new Histogram({
    name: 'streamdrill_origin_segment_latency_seconds',
    help: 'Origin segment responses: time from request to response, seconds',
    labelNames: ['origin'],
    buckets: SEGMENT_BUCKETS_S,
    registers: [],
  });
  readonly licence = new Histogram({
    name: 'streamdrill_drm_latency_seconds',
    help: 'Licence responses (keys or errors): time from request to response, seconds, by DRM label',
    labelNames: ['drm'],
    buckets: LICENCE_LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [],
  });

  observeSegment(origin: string, ms: number): void {
    this.segment.observe({ origin }, ms / 1000);
  }

  observeLicence(drm: string, ms: number): void {
    this.licence.observe({ drm }, ms / 1000);
  }
}
