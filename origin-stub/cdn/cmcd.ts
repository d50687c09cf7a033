/**
 * CMCD (CTA-5004) as a POP sees it: decoded from the `CMCD` query argument and the
 * `CMCD-Request/Object/Status/Session` headers with @svta/cml-cmcd, folded into per-POP figures.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type CmcdData, fromCmcdHeaders, fromCmcdQuery } from '@svta/cml-cmcd';
import type { Clock } from '../../core/clock.ts';

export const CMCD_HEADER_NAMES = ['cmcd-request', 'cmcd-object', 'cmcd-status', 'cmcd-session'] as const;
export const ACTIVE_SESSION_WINDOW_MS = 30_000;

export interface CmcdSession {
  sid: string;
  lastSeenMs: number;
  requests: number;
  starvation: number;
  /** Latest buffer length (ms) the session reported, if any. */
  bl?: number;
}

export interface CmcdStats {
  /** Requests that carried (decodable) CMCD. */
  requests: number;
  /** Requests with `bs` (buffer starvation since the previous request). */
  starvation: number;
  /** Distinct `sid` seen in the last 30 s of clock time. */
  activeSessions: number;
  /** Requests whose CMCD could not be decoded (ignored otherwise). */
  invalid: number;
}

export type CmcdRead = { data: CmcdData } | { data?: undefined; invalid: boolean };

/** Decodes the CMCD of one request (query and headers merged); never throws. */
export function readCmcd(query: string, headers: IncomingHttpHeaders): CmcdRead {
  let data: Record<string, unknown> | undefined;
  let invalid = false;
  if (/(^|&)CMCD=/.test(query)) {
    try {
      data = { ...(fromCmcdQuery(query) as Record<string, unknown>) };
    } catch {
      invalid = true;
    }
  }
  const raw: Record<string, string> = {};
  for (const name of CMCD_HEADER_NAMES) {
    const v = headers[name];
    if (v !== undefined) raw[name] = Array.isArray(v) ? v.join(',') : v;
  }
  if (Object.keys(raw).length > 0) {
    try {
      data = { ...data, ...(fromCmcdHeaders(raw) as Record<string, unknown>) };
    } catch {
      invalid = true;
    }
  }
  if (data && Object.keys(data).length > 0) return { data: data as CmcdData };
  return { invalid };
}

/** `bl` is a number in CMCD v1 and an inner list (per object type) in v2: take the smallest. */
function bufferLength(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) {
    const nums = value
      .map((v) => (typeof v === 'number' ? v : (v as { value?: unknown } | null)?.value))
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return nums.length > 0 ? Math.min(...nums) : undefined;
  }
  return undefined;
}

export class CmcdTracker {
  private readonly sessions = new Map<string, CmcdSession>();
  private requests = 0;
  private starvation = 0;
  private invalid = 0;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = ACTIVE_SESSION_WINDOW_MS,
  ) {}

  /** Records one request; returns the decoded data when it carried CMCD. */
  record(query: string, headers: IncomingHttpHeaders): CmcdData | undefined {
    const read = readCmcd(query, headers);
    if (!read.data) {
      if (read.invalid) this.invalid++;
      return undefined;
    }
    const data = read.data as Record<string, unknown>;
    this.requests++;
    const starved = data.bs === true;
    if (starved) this.starvation++;
    if (typeof data.sid === 'string' && data.sid !== '') {
      const now = this.clock.now();
      const s = this.sessions.get(data.sid) ?? { sid: data.sid, lastSeenMs: now, requests: 0, starvation: 0 };
      s.lastSeenMs = now;
      s.requests++;
      if (starved) s.starvation++;
      const bl = bufferLength(data.bl);
      if (bl !== undefined) s.bl = bl;
      // Re-insert so the map stays ordered by last sighting: pruning stops at the first fresh one.
      this.sessions.delete(s.sid);
      this.sessions.set(s.sid, s);
      if (this.requests % 256 === 0) this.prune();
    }
    return read.data;
  }

  stats(): CmcdStats {
    this.prune();
    return {
      requests: this.requests,
      starvation: this.starvation,
      activeSessions: this.sessions.size,
      invalid: this.invalid,
    };
  }

  /** Sessions seen in the last 30 s, most recent last. */
  activeSessions(): CmcdSession[] {
    this.prune();
    return [...this.sessions.values()].map((s) => ({ ...s }));
  }

  private prune(): void {
    const cutoff = this.clock.now() - this.windowMs;
    for (const s of this.sessions.values()) {
      if (s.lastSeenMs > cutoff) break;
      this.sessions.delete(s.sid);
    }
  }
}
