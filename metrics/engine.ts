/**
 * The QoE metric engine: CTA-2066 session events in, windowed metrics out. Pure and clock-driven:
 * it never reads the wall clock and does no I/O. Feed events with {@link MetricEngine.ingest} (in
 * order per session), then ask {@link MetricEngine.snapshot} for the metrics of a window ending at
 * a time you choose. Real players (through the collector) and the virtual-time simulator feed the
 * same engine. It yields primitives (weighted counts, durations, order statistics); the metrics
 * themselves (ratios, units) are defined once from them in `catalogue.ts` (docs/metrics.md).
 *
 * Per session the engine keeps a small state machine (requested → started → stalled/paused →
 * ended) and the intervals it needs: stalls, pauses, rendition spans and label epochs (a new epoch
 * whenever the session's labels change, e.g. when steering moves it to another CDN), so time-based
 * metrics are attributed to the CDN/POP in use at each moment. Every count and duration is
 * multiplied by the session's weight.
 */
import type { PlayerErrorInfo, SessionEvent, SessionLabels } from '../core/events.ts';
import {
  type HistogramBucket,
  histogram,
  type Weighted,
  weightedMean,
  weightedQuantile,
} from './quantiles.ts';

export const LABEL_KEYS = [
  'region',
  'isp',
  'device',
  'player',
  'playerVersion',
  'channel',
  'variant',
  'drm',
  'cdn',
  'pop',
] as const satisfies readonly (keyof SessionLabels)[];
export type LabelKey = (typeof LABEL_KEYS)[number];

/** Which sessions a metric covers: every given label must match (a list matches any value). */
export type LabelFilter = Partial<Record<LabelKey, string | readonly string[]>>;

export interface EngineOptions {
  /** Default sliding window, ms. Default 60 s. */
  windowMs?: number;
  /** A viewer rebuffering longer than this is "stuck" and no longer a current viewer. Default 5 min. */
  stuckMs?: number;
  /** An exit before video start counts only after waiting at least this long (Mux: 1 s). */
  ebvsMinWaitMs?: number;
  /** History kept for windows: sessions that ended longer ago than this are dropped. Default 15 min. */
  retentionMs?: number;
  /** A session silent for longer than this is treated as ended at its last event. Default 60 s. */
  staleMs?: number;
}

interface Interval {
  a: number;
  /** undefined while open */
  b?: number;
}

interface Epoch {
  t: number;
  labels: SessionLabels;
}

interface Rendition {
  t: number;
  bitrate: number;
  width?: number;
  height?: number;
}

interface ErrorRecord {
  t: number;
  labels: SessionLabels;
  weight: number;
  error: PlayerErrorInfo;
}

export interface SessionState {
  sid: string;
  weight: number;
  requestT: number;
  epochs: Epoch[];
  startT?: number;
  startupMs?: number;
  licenceMs?: number;
  manifestMs?: number;
  failT?: number;
  failedBeforeStart?: boolean;
  failError?: PlayerErrorInfo;
  endT?: number;
  endReason?: string;
  stalls: Interval[];
  pauses: Interval[];
  renditions: Rendition[];
  lastSeen: number;
}

export interface ErrorCount {
  player: string;
  playerVersion: string;
  device: string;
  isp: string;
  cdn: string;
  pop: string;
  category: string;
  code: string;
  fatal: boolean;
  httpStatus?: number;
  /** Error events seen from real sessions. */
  events: number;
  /** Weighted: error events in the represented population. */
  count: number;
}

export interface QoeMetrics {
  /** End of the window (ms since the epoch) and its length. */
  at: number;
  windowMs: number;
  /** Real sessions behind these figures (unweighted). */
  realSessions: number;
  /** Active sessions at `at` (requested, not ended), including those still starting. */
  viewers: number;
  /** Current viewers: started, not ended, not paused, not stuck rebuffering > stuckMs. */
  currentViewers: number;
  /** Current viewers in a stall at `at`. */
  rebufferingNow: number;
  startAttempts: number;
  videoStartFailures: number;
  exitsBeforeVideoStart: number;
  /** Sessions active at any time in the window. */
  sessions: number;
  playbackFailures: number;
  startup: {
    count: number;
    p50Ms: number | null;
    p95Ms: number | null;
    meanMs: number | null;
    histogram: HistogramBucket[];
  };
  licenceP50Ms: number | null;
  manifestP50Ms: number | null;
  /** Stall starts in the window (startup buffering and seeks excluded). */
  stalls: number;
  /** Sessions that watched in the window. */
  watchingSessions: number;
  stallTimeMs: number;
  /** Watch time (playing + stalled; pauses and startup excluded). */
  watchTimeMs: number;
  /** Playing time with a known rendition (the media time the bits were played over). */
  playTimeMs: number;
  /** Bits played: each rendition's bitrate integrated over its playing time. */
  bitsPlayed: number;
  /** Mean current rendition bitrate of the current viewers, bits/s. */
  currentBitrate: number | null;
  errors: ErrorCount[];
}

function clip(iv: Interval, from: number, to: number, openEnd: number): [number, number] | undefined {
  const a = Math.max(iv.a, from);
  const b = Math.min(iv.b ?? openEnd, to);
  return b > a ? [a, b] : undefined;
}

/** `spans` minus `holes` (both sorted, non-overlapping within each list). */
function subtract(spans: [number, number][], holes: [number, number][]): [number, number][] {
  let out = spans;
  for (const [ha, hb] of holes) {
    const next: [number, number][] = [];
    for (const [a, b] of out) {
      if (hb <= a || ha >= b) {
        next.push([a, b]);
        continue;
      }
      if (ha > a) next.push([a, ha]);
      if (hb < b) next.push([hb, b]);
    }
    out = next;
  }
  return out;
}

function intersect(spans: [number, number][], a: number, b: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [x, y] of spans) {
    const s = Math.max(x, a);
    const e = Math.min(y, b);
    if (e > s) out.push([s, e]);
  }
  return out;
}

const total = (spans: [number, number][]) => spans.reduce((n, [a, b]) => n + (b - a), 0);

/** How errors are grouped in the distribution: the error, with the session's version, device, ISP, CDN and POP. */
export function errorGroup(x: PlayerErrorInfo, l: SessionLabels): Omit<ErrorCount, 'events' | 'count'> {
  return {
    player: x.player,
    playerVersion: l.playerVersion,
    device: l.device,
    isp: l.isp,
    cdn: l.cdn,
    pop: l.pop,
    category: x.category,
    code: x.code,
    fatal: x.fatal,
    ...(x.httpStatus !== undefined ? { httpStatus: x.httpStatus } : {}),
  };
}

export function matches(labels: SessionLabels, filter: LabelFilter | undefined): boolean {
  if (!filter) return true;
  for (const [k, want] of Object.entries(filter) as [LabelKey, string | readonly string[] | undefined][]) {
    if (want === undefined) continue;
    const have = labels[k];
    if (typeof want === 'string' ? have !== want : !want.includes(have)) return false;
  }
  return true;
}

export class MetricEngine {
  readonly windowMs: number;
  readonly stuckMs: number;
  readonly ebvsMinWaitMs: number;
  readonly retentionMs: number;
  readonly staleMs: number;
  private readonly current = new Map<string, SessionState>();
  private all: SessionState[] = [];
  private errorLog: ErrorRecord[] = [];
  private eventCount = 0;

  constructor(options: EngineOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.stuckMs = options.stuckMs ?? 300_000;
    this.ebvsMinWaitMs = options.ebvsMinWaitMs ?? 1000;
    this.retentionMs = options.retentionMs ?? 15 * 60_000;
    this.staleMs = options.staleMs ?? 60_000;
  }

  get ingested(): number {
    return this.eventCount;
  }

  /** Every session seen and still retained (ended ones included). */
  sessions(): readonly SessionState[] {
    return this.all;
  }

  session(sid: string): SessionState | undefined {
    return this.current.get(sid);
  }

  /** Applies one event to its session's state machine. Events of one session must come in order. */
  ingest(e: SessionEvent): void {
    this.eventCount++;
    let s = this.current.get(e.sid);
    if (!s || e.type === 'playbackRequest') {
      if (s && s.endT === undefined) this.end(s, e.t, 'restarted');
      s = {
        sid: e.sid,
        weight: e.weight > 0 ? e.weight : 1,
        requestT: e.t,
        epochs: [{ t: e.t, labels: { ...e.labels } }],
        stalls: [],
        pauses: [],
        renditions: [],
        lastSeen: e.t,
      };
      this.current.set(e.sid, s);
      this.all.push(s);
      // An event of an unknown session (e.g. the collector restarted): its request time is unknown,
      // so it counts as requested now; a playbackStart then has no startup time.
      if (e.type === 'playbackRequest') return;
    } else if (s.endT !== undefined) {
      // After the end only late error details still count (in the error distribution).
      if (e.type === 'playerError' && e.data?.error)
        this.errorLog.push({ t: e.t, labels: { ...e.labels }, weight: s.weight, error: e.data.error });
      return;
    }
    s.lastSeen = Math.max(s.lastSeen, e.t);
    this.relabel(s, e);
    const openStall = s.stalls.at(-1)?.b === undefined ? s.stalls.at(-1) : undefined;
    const openPause = s.pauses.at(-1)?.b === undefined ? s.pauses.at(-1) : undefined;
    switch (e.type) {
      case 'playbackStart':
        if (s.startT !== undefined || s.endT !== undefined) break;
        s.startT = e.t;
        if (e.data?.startupMs !== undefined) s.startupMs = e.data.startupMs;
        else if (s.requestT < e.t) s.startupMs = e.t - s.requestT;
        if (e.data?.licenceMs !== undefined) s.licenceMs = e.data.licenceMs;
        if (e.data?.manifestMs !== undefined) s.manifestMs = e.data.manifestMs;
        break;
      case 'playbackStall':
        // Startup buffering is not a stall; neither is buffering while paused.
        if (s.startT === undefined || openStall || openPause || s.endT !== undefined) break;
        s.stalls.push({ a: e.t });
        break;
      case 'playbackStallEnd':
        if (openStall) openStall.b = Math.max(openStall.a, e.t);
        break;
      case 'playbackPause':
        if (s.startT === undefined || openPause) break;
        if (openStall) openStall.b = Math.max(openStall.a, e.t);
        s.pauses.push({ a: e.t });
        break;
      case 'playbackResume':
        if (openPause) openPause.b = Math.max(openPause.a, e.t);
        break;
      case 'renditionUpdate':
        if (e.data?.bitrate !== undefined) {
          s.renditions.push({
            t: e.t,
            bitrate: e.data.bitrate,
            ...(e.data.width !== undefined ? { width: e.data.width } : {}),
            ...(e.data.height !== undefined ? { height: e.data.height } : {}),
          });
        }
        break;
      case 'playerError':
        if (e.data?.error)
          this.errorLog.push({ t: e.t, labels: { ...e.labels }, weight: s.weight, error: e.data.error });
        break;
      case 'playbackFail':
        if (s.endT !== undefined) break;
        s.failT = e.t;
        s.failedBeforeStart = s.startT === undefined;
        if (e.data?.error) s.failError = e.data.error;
        this.end(s, e.t, 'fail');
        break;
      case 'playbackExit':
      case 'playbackFinish':
        this.end(s, e.t, e.data?.reason ?? (e.type === 'playbackFinish' ? 'finish' : 'exit'));
        break;
      default:
        break;
    }
  }

  private relabel(s: SessionState, e: SessionEvent): void {
    const last = s.epochs.at(-1)!;
    if (LABEL_KEYS.every((k) => last.labels[k] === e.labels[k])) return;
    if (e.t <= last.t) last.labels = { ...e.labels };
    else s.epochs.push({ t: e.t, labels: { ...e.labels } });
  }

  private end(s: SessionState, t: number, reason: string): void {
    s.endT = t;
    s.endReason = reason;
    for (const list of [s.stalls, s.pauses]) {
      const open = list.at(-1);
      if (open && open.b === undefined) open.b = Math.max(open.a, t);
    }
  }

  /** Drops sessions and errors older than the retention. Call now and then with the clock's time. */
  prune(now: number): void {
    const horizon = now - this.retentionMs;
    this.all = this.all.filter((s) => {
      const end = this.endOf(s, now);
      const keep = end === undefined || end >= horizon;
      if (!keep && this.current.get(s.sid) === s) this.current.delete(s.sid);
      return keep;
    });
    this.errorLog = this.errorLog.filter((e) => e.t >= horizon);
  }

  /** When a session ended, or undefined while it is active at `now` (silent sessions end at their last event). */
  private endOf(s: SessionState, now: number): number | undefined {
    if (s.endT !== undefined) return s.endT;
    if (now - s.lastSeen > this.staleMs) return s.lastSeen;
    return undefined;
  }

  private labelsAt(s: SessionState, t: number): SessionLabels {
    let labels = s.epochs[0]!.labels;
    for (const ep of s.epochs) {
      if (ep.t <= t) labels = ep.labels;
      else break;
    }
    return labels;
  }

  /** Parts of [from, to] during which the session's labels matched the filter. */
  private matchedSpans(
    s: SessionState,
    from: number,
    to: number,
    filter: LabelFilter | undefined,
  ): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < s.epochs.length; i++) {
      const ep = s.epochs[i]!;
      if (!matches(ep.labels, filter)) continue;
      const a = Math.max(i === 0 ? s.requestT : ep.t, from);
      const b = Math.min(s.epochs[i + 1]?.t ?? Number.POSITIVE_INFINITY, to);
      if (b > a || (b === a && a === to)) out.push([a, b]);
    }
    return out;
  }

  /** Metrics over the window (at - windowMs, at], for the sessions matching `filter`. */
  snapshot(at: number, options: { windowMs?: number; filter?: LabelFilter } = {}): QoeMetrics {
    const windowMs = options.windowMs ?? this.windowMs;
    const from = at - windowMs;
    const filter = options.filter;
    let realSessions = 0;
    let viewers = 0;
    let currentViewers = 0;
    let rebufferingNow = 0;
    let startAttempts = 0;
    let vsf = 0;
    let ebvs = 0;
    let sessions = 0;
    let failures = 0;
    let stalls = 0;
    let watching = 0;
    let stallTime = 0;
    let watchTime = 0;
    let bits = 0;
    let bitrateTime = 0;
    const startups: Weighted[] = [];
    const licence: Weighted[] = [];
    const manifest: Weighted[] = [];
    const current: Weighted[] = [];

    for (const s of this.all) {
      if (s.requestT > at) continue;
      const end = this.endOf(s, at);
      if (end !== undefined && end < from) continue;
      const w = s.weight;
      const endOrAt = end ?? at;
      const spans = this.matchedSpans(s, from, Math.min(endOrAt, at), filter);
      if (spans.length === 0) continue;
      realSessions++;
      sessions += w;

      // Start attempts in the window and how they ended, attributed to the labels at the request.
      if (s.requestT > from && matches(this.labelsAt(s, s.requestT), filter)) {
        startAttempts += w;
        if (s.failedBeforeStart && s.failT! <= at) vsf += w;
        else if (
          s.startT === undefined &&
          s.failT === undefined &&
          end !== undefined &&
          end <= at &&
          end - s.requestT >= this.ebvsMinWaitMs
        )
          ebvs += w;
      }
      if (
        s.failT !== undefined &&
        s.failT > from &&
        s.failT <= at &&
        matches(this.labelsAt(s, s.failT), filter)
      )
        failures += w;
      if (
        s.startT !== undefined &&
        s.startT > from &&
        s.startT <= at &&
        matches(this.labelsAt(s, s.startT), filter)
      ) {
        if (s.startupMs !== undefined) startups.push({ value: s.startupMs, weight: w });
        if (s.licenceMs !== undefined) licence.push({ value: s.licenceMs, weight: w });
        if (s.manifestMs !== undefined) manifest.push({ value: s.manifestMs, weight: w });
      }

      // Now: active, current, rebuffering (a viewer stalled now counts where its stall began).
      const stallNow = s.stalls.find((p) => p.a <= at && (p.b === undefined || p.b > at));
      if (end === undefined && matches(this.labelsAt(s, stallNow ? stallNow.a : at), filter)) {
        viewers += w;
        if (s.startT !== undefined && s.startT <= at) {
          const paused = s.pauses.some((p) => p.a <= at && (p.b === undefined || p.b > at));
          const stall = stallNow;
          const stuck = stall !== undefined && at - stall.a > this.stuckMs;
          if (!paused && !stuck) {
            currentViewers += w;
            if (stall) rebufferingNow += w;
            const r = this.renditionAt(s, at);
            if (r) current.push({ value: r.bitrate, weight: w });
          }
        }
      }

      if (s.startT === undefined) continue;
      // A stall belongs wholly to where it began: if the pathway changes mid-stall (steering, the
      // player's own failover), the rest of the stall stays with the CDN/POP that caused it.
      let owned = spans;
      for (const st of s.stalls) {
        const c = clip(st, from, at, endOrAt);
        if (!c) continue;
        owned = subtract(owned, [c]);
        if (matches(this.labelsAt(s, st.a), filter)) owned.push(c);
      }
      // Watch time: from the first frame to the end, minus pauses; stalls are part of it.
      const watch = intersect(owned, s.startT, endOrAt);
      if (watch.length === 0) continue;
      const pauses = s.pauses.map((p) => clip(p, from, at, endOrAt)).filter((x) => x !== undefined);
      const stallSpans = s.stalls.map((p) => clip(p, from, at, endOrAt)).filter((x) => x !== undefined);
      const watched = subtract(watch, pauses);
      const stalled = watched.flatMap(([a, b]) => intersect(stallSpans, a, b));
      const playing = subtract(watched, stallSpans);
      const watchedMs = total(watched);
      if (watchedMs > 0) watching += w;
      watchTime += w * watchedMs;
      stallTime += w * total(stalled);
      for (const st of s.stalls) {
        if (st.a > from && st.a <= at && spans.some(([a, b]) => st.a >= a && st.a <= b)) stalls += w;
      }
      // Bits played: the rendition bitrate integrated over playing time.
      for (let i = 0; i < s.renditions.length; i++) {
        const r = s.renditions[i]!;
        const next = s.renditions[i + 1]?.t ?? Number.POSITIVE_INFINITY;
        const ms = total(intersect(playing, r.t, next));
        bits += (w * r.bitrate * ms) / 1000;
        bitrateTime += w * ms;
      }
    }

    const errors = this.errorCounts(from, at, filter);
    return {
      at,
      windowMs,
      realSessions,
      viewers,
      currentViewers,
      rebufferingNow,
      startAttempts,
      videoStartFailures: vsf,
      exitsBeforeVideoStart: ebvs,
      sessions,
      playbackFailures: failures,
      startup: {
        count: startups.reduce((n, x) => n + x.weight, 0),
        p50Ms: weightedQuantile(startups, 0.5),
        p95Ms: weightedQuantile(startups, 0.95),
        meanMs: weightedMean(startups),
        histogram: histogram(startups),
      },
      licenceP50Ms: weightedQuantile(licence, 0.5),
      manifestP50Ms: weightedQuantile(manifest, 0.5),
      stalls,
      watchingSessions: watching,
      stallTimeMs: stallTime,
      watchTimeMs: watchTime,
      playTimeMs: bitrateTime,
      bitsPlayed: bits,
      currentBitrate: weightedMean(current),
      errors,
    };
  }

  private renditionAt(s: SessionState, t: number): Rendition | undefined {
    let r: Rendition | undefined;
    for (const x of s.renditions) if (x.t <= t) r = x;
    return r;
  }

  private errorCounts(from: number, at: number, filter: LabelFilter | undefined): ErrorCount[] {
    const byKey = new Map<string, ErrorCount>();
    for (const e of this.errorLog) {
      if (e.t <= from || e.t > at || !matches(e.labels, filter)) continue;
      const l = e.labels;
      const x = e.error;
      const key = [
        x.player,
        l.playerVersion,
        l.device,
        l.isp,
        l.cdn,
        l.pop,
        x.category,
        x.code,
        x.fatal,
        x.httpStatus,
      ].join('|');
      let c = byKey.get(key);
      if (!c) {
        c = { ...errorGroup(x, l), events: 0, count: 0 };
        byKey.set(key, c);
      }
      c.events++;
      c.count += e.weight;
    }
    return [...byKey.values()].sort((a, b) => b.count - a.count);
  }

  /** Distinct values a label took in the window (for slicing). */
  labelValues(key: LabelKey, at: number, windowMs = this.windowMs): string[] {
    const from = at - windowMs;
    const values = new Set<string>();
    for (const s of this.all) {
      if (s.requestT > at) continue;
      const end = this.endOf(s, at);
      if (end !== undefined && end < from) continue;
      for (let i = 0; i < s.epochs.length; i++) {
        const next = s.epochs[i + 1]?.t ?? Number.POSITIVE_INFINITY;
        if (next > from) values.add(s.epochs[i]!.labels[key]);
      }
    }
    return [...values].sort();
  }

  /** Distinct combinations of several labels in the window, e.g. [['cdn-a','fra'], ['cdn-b','fra']]. */
  labelCombos(keys: readonly LabelKey[], at: number, windowMs = this.windowMs): string[][] {
    const from = at - windowMs;
    const seen = new Map<string, string[]>();
    for (const s of this.all) {
      if (s.requestT > at) continue;
      const end = this.endOf(s, at);
      if (end !== undefined && end < from) continue;
      for (let i = 0; i < s.epochs.length; i++) {
        const next = s.epochs[i + 1]?.t ?? Number.POSITIVE_INFINITY;
        if (next <= from) continue;
        const combo = keys.map((k) => s.epochs[i]!.labels[k]);
        seen.set(combo.join('\u0000'), combo);
      }
    }
    return [...seen.values()].sort((a, b) => a.join('/').localeCompare(b.join('/')));
  }

  /** The window's metrics for every value of one label (e.g. per POP), within an optional filter. */
  slice(
    key: LabelKey,
    at: number,
    options: { windowMs?: number; filter?: LabelFilter } = {},
  ): Record<string, QoeMetrics> {
    const out: Record<string, QoeMetrics> = {};
    for (const v of this.labelValues(key, at, options.windowMs)) {
      out[v] = this.snapshot(at, { ...options, filter: { ...options.filter, [key]: v } });
    }
    return out;
  }
}
