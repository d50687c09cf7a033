/**
 * Counters for an origin server (the origin-health and packager-health dashboards): requests and
 * 5xx by object kind, segment generation latency, and the capacity gate's load.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import { factsFromPath } from '../faults/facts.ts';

export interface KindCounters {
  requests: number;
  errors5xx: number;
  errors4xx: number;
}

export interface OriginCounters {
  byKind: Record<'manifest' | 'init' | 'segment' | 'other', KindCounters>;
  /** Segment responses: count, summed and max time from request to response (ms, clock time). */
  segmentLatency: { count: number; sumMs: number; maxMs: number };
}

interface Gate {
  inFlight(): number;
  queued(): number;
}

export class OriginMonitor {
  gate: Gate | undefined;
  readonly counters: OriginCounters = {
    byKind: {
      manifest: { requests: 0, errors5xx: 0, errors4xx: 0 },
      init: { requests: 0, errors5xx: 0, errors4xx: 0 },
      segment: { requests: 0, errors5xx: 0, errors4xx: 0 },
      other: { requests: 0, errors5xx: 0, errors4xx: 0 },
    },
    segmentLatency: { count: 0, sumMs: 0, maxMs: 0 },
  };

  constructor(
    private readonly clock: Clock,
    /** Told each segment response's latency (ms), e.g. to observe it in a histogram. */
    private readonly onSegment: (ms: number) => void = () => {},
  ) {}

  instrument(app: FastifyInstance): void {
    const started = new WeakMap<object, number>();
    app.addHook('onRequest', async (req) => {
      started.set(req, this.clock.now());
    });
    app.addHook('onResponse', async (req, reply) => {
      const kind = factsFromPath(req.url).kind;
      const k =
        this.counters.byKind[kind === 'manifest' || kind === 'init' || kind === 'segment' ? kind : 'other'];
      k.requests++;
      if (reply.statusCode >= 500) k.errors5xx++;
      else if (reply.statusCode >= 400) k.errors4xx++;
      if (kind === 'segment') {
        const ms = this.clock.now() - (started.get(req) ?? this.clock.now());
        const l = this.counters.segmentLatency;
        l.count++;
        l.sumMs += ms;
        l.maxMs = Math.max(l.maxMs, ms);
        this.onSegment(ms);
      }
    });
  }

  snapshot(): OriginCounters & { inFlight: number; queued: number } {
    return {
      ...structuredClone(this.counters),
      inFlight: this.gate?.inFlight() ?? 0,
      queued: this.gate?.queued() ?? 0,
    };
  }
}
