/**
 * POP counters. Everything is cumulative since start except the cache and session gauges
 * (cacheObjects, cacheBytes, cmcd.activeSessions); later code computes rates from deltas.
 */
import type { CmcdStats } from './cmcd.ts';
import type { KindLabel } from './request-facts.ts';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';

export interface KindStats {
  requests: number;
  hits: number;
  misses: number;
  coalesced: number;
}

export interface PopStats {
  /** Client requests received. */
  requests: number;
  /** Answered from the cache. */
  hits: number;
  /** Went to the parent (forceMiss included). */
  misses: number;
  /** Joined a parent pull already in flight for the same object (request coalescing). */
  coalesced: number;
  /** Pulls from the parent: origin pulls for a shield, shield pulls for an edge. */
  parentRequests: number;
  /** Parent pulls that failed: 502 for refused/reset/error, 504 for timeout. */
  parentErrors: { '502': number; '504': number };
  /** Responses sent, by status class. */
  responses: Record<StatusClass, number>;
  /** Same as responses['5xx'], for convenience. */
  '5xx': number;
  /** Body bytes sent to clients. */
  bytesSent: number;
  byKind: Record<KindLabel, KindStats>;
  /** Requests hit by at least one fault. */
  faultHits: number;
  cacheObjects: number;
  cacheBytes: number;
  /** Objects stored in the cache (cumulative). */
  cacheStores: number;
  cmcd: CmcdStats;
  /** Parent pulls that got a full response, timed on the Clock. */
  parentLatencyMs: { count: number; sum: number; max: number };
}

export type PopCounters = Omit<PopStats, 'cacheObjects' | 'cacheBytes' | 'cmcd' | '5xx'>;

const kind = (): KindStats => ({ requests: 0, hits: 0, misses: 0, coalesced: 0 });

export function newCounters(): PopCounters {
  return {
    requests: 0,
    hits: 0,
    misses: 0,
    coalesced: 0,
    parentRequests: 0,
    parentErrors: { '502': 0, '504': 0 },
    responses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    bytesSent: 0,
    byKind: { manifest: kind(), init: kind(), segment: kind(), other: kind() },
    faultHits: 0,
    cacheStores: 0,
    parentLatencyMs: { count: 0, sum: 0, max: 0 },
  };
}

export function statusClass(status: number): StatusClass | undefined {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return undefined;
}

/** A deep copy, so callers can keep snapshots and diff them. */
export function snapshot(
  c: PopCounters,
  gauges: { cacheObjects: number; cacheBytes: number; cmcd: CmcdStats },
): PopStats {
  return {
    ...c,
    parentErrors: { ...c.parentErrors },
    responses: { ...c.responses },
    '5xx': c.responses['5xx'],
    byKind: {
      manifest: { ...c.byKind.manifest },
      init: { ...c.byKind.init },
      segment: { ...c.byKind.segment },
      other: { ...c.byKind.other },
    },
    parentLatencyMs: { ...c.parentLatencyMs },
    cacheObjects: gauges.cacheObjects,
    cacheBytes: gauges.cacheBytes,
    cmcd: gauges.cmcd,
  };
}
