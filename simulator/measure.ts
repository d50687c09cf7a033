/**
 * A small measuring sink — a TEST AID for the simulator's own tests, calibration and benchmark,
 * not the QoE metric engine (that is metrics/). It keeps, per group of sessions
 * (region by default; any label via `groupBy`) and per minute bucket:
 *
 * - rebuffering share: the weighted viewer-time spent stalled / viewer-time of started sessions.
 *   Averaged over the minute, this is both the rebuffer ratio of the minute and the mean "share of
 *   current viewers rebuffering" (the engine additionally drops viewers stuck > 5 min; not here).
 * - video start failures: fatal errors before the first frame, per start attempt;
 * - exits before video start: exits before the first frame without a fatal error, per attempt;
 * - startup times of the sessions that started (for a p50).
 *
 * Events must arrive in time order (the simulator's sink order).
 */
import type { SessionEvent, SessionLabels } from '../core/events.ts';

export interface MinuteFigures {
  /** Minute index from the probe's origin. */
  minute: number;
  /** Percent of viewer-time rebuffering in the minute. */
  rebufferPct: number;
  /** Percent of start attempts (requests) in the minute that failed fatally before the first frame. */
  vsfPct: number;
  /** Percent of start attempts in the minute that ended before the first frame without an error. */
  ebvsPct: number;
  startupP50Ms: number;
  /** Weighted viewers watching (time-average over the minute). */
  viewers: number;
  attempts: number;
}

interface Bucket {
  stallMs: number;
  watchMs: number;
  requests: number;
  failures: number;
  exits: number;
  startups: number[];
}

interface Group {
  viewers: number;
  stalled: number;
  buckets: Bucket[];
}

interface SessionState {
  group: string;
  weight: number;
  started: boolean;
  stalled: boolean;
  ended: boolean;
  /** Bucket of its request (start outcomes count against the minute the attempt began). */
  requestBucket: number;
}

export class QoeProbe {
  private readonly groups = new Map<string, Group>();
  private readonly sessions = new Map<string, SessionState>();
  private now: number;

  constructor(
    /** Time of minute 0, ms since the epoch. */
    readonly origin: number,
    private readonly groupBy: (labels: SessionLabels) => string = (l) => l.region,
  ) {
    this.now = origin;
  }

  /** The sink: pass it to the simulator (or fan out to several probes). */
  readonly sink = (e: SessionEvent): void => {
    if (e.t > this.now) this.advance(e.t);
    if (e.type === 'heartbeat') return;
    let s = this.sessions.get(e.sid);
    if (!s) {
      s = {
        group: this.groupBy(e.labels),
        weight: e.weight,
        started: false,
        stalled: false,
        ended: false,
        requestBucket: this.bucketIndex(e.t),
      };
      this.sessions.set(e.sid, s);
    }
    const g = this.group(s.group);
    switch (e.type) {
      case 'playbackRequest':
        this.bucket(g, s.requestBucket).requests += s.weight;
        break;
      case 'playbackStart':
        s.started = true;
        g.viewers += s.weight;
        this.bucket(g, this.bucketIndex(e.t)).startups.push(e.data?.startupMs ?? 0);
        break;
      case 'playbackStall':
        if (s.started && !s.stalled) {
          s.stalled = true;
          g.stalled += s.weight;
        }
        break;
      case 'playbackStallEnd':
        if (s.stalled) {
          s.stalled = false;
          g.stalled -= s.weight;
        }
        break;
      case 'playbackFail':
      case 'playbackExit':
      case 'playbackFinish':
        if (s.ended) break;
        s.ended = true;
        if (s.stalled) g.stalled -= s.weight;
        if (s.started) g.viewers -= s.weight;
        else if (e.type === 'playbackFail') this.bucket(g, s.requestBucket).failures += s.weight;
        else this.bucket(g, s.requestBucket).exits += s.weight;
        this.sessions.delete(e.sid);
        break;
      default:
        break;
    }
  };

  /** Share of current viewers rebuffering right now, percent. */
  currentRebufferingPct(group: string): number {
    const g = this.groups.get(group);
    return g && g.viewers > 0 ? (100 * g.stalled) / g.viewers : 0;
  }

  /** Per-minute figures of a group (integrated up to the last event seen). */
  minutes(group: string): MinuteFigures[] {
    const g = this.groups.get(group);
    if (!g) return [];
    return g.buckets.map((b, minute) => figures(minute, b));
  }

  /** Figures over minutes [from, to) of a group, pooled. */
  over(group: string, from: number, to: number): MinuteFigures {
    const g = this.groups.get(group);
    const pooled: Bucket = { stallMs: 0, watchMs: 0, requests: 0, failures: 0, exits: 0, startups: [] };
    for (let m = from; m < to; m++) {
      const b = g?.buckets[m];
      if (!b) continue;
      pooled.stallMs += b.stallMs;
      pooled.watchMs += b.watchMs;
      pooled.requests += b.requests;
      pooled.failures += b.failures;
      pooled.exits += b.exits;
      pooled.startups.push(...b.startups);
    }
    const f = figures(from, pooled);
    f.viewers = pooled.watchMs / Math.max(1, (to - from) * 60_000);
    return f;
  }

  groupNames(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** Integrates viewer-time and stall-time of every group up to t. */
  advance(t: number): void {
    while (this.now < t) {
      const b = this.bucketIndex(this.now);
      const end = Math.min(t, this.origin + (b + 1) * 60_000);
      const dt = end - this.now;
      for (const g of this.groups.values()) {
        const bucket = this.bucket(g, b);
        bucket.watchMs += g.viewers * dt;
        bucket.stallMs += g.stalled * dt;
      }
      this.now = end;
    }
  }

  private bucketIndex(t: number): number {
    return Math.max(0, Math.floor((t - this.origin) / 60_000));
  }

  private group(name: string): Group {
    let g = this.groups.get(name);
    if (!g) {
      g = { viewers: 0, stalled: 0, buckets: [] };
      this.groups.set(name, g);
    }
    return g;
  }

  private bucket(g: Group, i: number): Bucket {
    while (g.buckets.length <= i)
      g.buckets.push({ stallMs: 0, watchMs: 0, requests: 0, failures: 0, exits: 0, startups: [] });
    return g.buckets[i]!;
  }
}

function figures(minute: number, b: Bucket): MinuteFigures {
  const sorted = [...b.startups].sort((x, y) => x - y);
  return {
    minute,
    rebufferPct: b.watchMs > 0 ? (100 * b.stallMs) / b.watchMs : 0,
    vsfPct: b.requests > 0 ? (100 * b.failures) / b.requests : 0,
    ebvsPct: b.requests > 0 ? (100 * b.exits) / b.requests : 0,
    startupP50Ms: sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : 0,
    viewers: b.watchMs / 60_000,
    attempts: b.requests,
  };
}

/** One sink feeding several. */
export function fanOut(...sinks: ((e: SessionEvent) => void)[]): (e: SessionEvent) => void {
  return (e) => {
    for (const s of sinks) s(e);
  };
}
