/**
 * QoE metrics at virtual-run scale: 15,000 model sessions standing for 800,000 viewers over 43
 * simulated minutes (~20 events per session plus a heartbeat every 20 s, a CDN incident in the
 * middle), ingested in time order and queried at every 15 s tick the way a drill does: the impact
 * sample (global and per region, CDN, POP, ISP, device; 1 m window) and the alert windows
 * 1 m / 5 m / 30 m / 1 h / 6 h grouped by region. IncrementalQoe runs every tick; MetricEngine, far
 * slower, runs the same queries on a sample of ticks and its total is extrapolated.
 *
 * Env: BENCH_METRICS_SESSIONS (default 15000), BENCH_METRICS_ENGINE_TICKS (sampled ticks, default 8).
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SESSION_EVENT_TYPES, type SessionEvent, type SessionLabels } from '../core/events.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { type MetricId, metricValue } from '../metrics/catalogue.ts';
import { type LabelKey, MetricEngine, type QoeMetrics } from '../metrics/engine.ts';
import { IncrementalQoe, type QoeSource } from '../metrics/incremental.ts';

const T0 = Date.UTC(2026, 2, 1, 20);
const TICK = 15_000;
const DURATION = 43 * 60_000;
const VIEWERS = 800_000;
const TARGET_MS = 800;

const REGIONS = {
  emea: { pops: ['fra', 'ams', 'par'], isps: ['eu-telco', 'eu-cable'] },
  na: { pops: ['iad', 'sjc'], isps: ['na-telco', 'na-cable'] },
} as const;
type Region = keyof typeof REGIONS;
const DEVICES = {
  desktop: { player: 'hlsjs', version: '1.7.4', drm: 'widevine' },
  mobile: { player: 'hlsjs', version: '1.7.4', drm: 'fairplay' },
  tv: { player: 'shaka', version: '5.2.12', drm: 'playready' },
} as const;
const CHANNELS = ['news', 'sport', 'movies'];
const BITRATES = [800_000, 1_800_000, 3_500_000, 6_000_000];
/** The incident: cdn-a at fra degrades from minute 15 to minute 27. */
const INCIDENT = { from: T0 + 15 * 60_000, to: T0 + 27 * 60_000, cdn: 'cdn-a', pop: 'fra' };

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const lognormal = (rng: Rng, median: number, sigma: number) =>
  median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));

/** Shared, frozen label objects per tuple (as the simulator's emitter shares them). */
const labelCache = new Map<string, SessionLabels>();
function labels(
  region: Region,
  isp: string,
  device: keyof typeof DEVICES,
  channel: string,
  enc: boolean,
  cdn: string,
  pop: string,
): SessionLabels {
  const key = [region, isp, device, channel, enc, cdn, pop].join('|');
  let l = labelCache.get(key);
  if (!l) {
    const d = DEVICES[device];
    l = Object.freeze({
      region,
      isp,
      device,
      player: d.player,
      playerVersion: d.version,
      channel,
      variant: enc ? 'enc' : 'clear',
      drm: enc ? d.drm : 'none',
      cdn,
      pop,
    } as SessionLabels);
    labelCache.set(key, l);
  }
  return l;
}

const ERR_SEGMENT = {
  player: 'hlsjs',
  category: 'networkError',
  code: 'fragLoadError',
  fatal: false,
  httpStatus: 503,
};
const ERR_STALL = { player: 'hlsjs', category: 'mediaError', code: 'bufferStalledError', fatal: false };
const ERR_FATAL = {
  player: 'hlsjs',
  category: 'networkError',
  code: 'manifestLoadError',
  fatal: true,
  httpStatus: 503,
};

const TYPES: readonly SessionEvent['type'][] = SESSION_EVENT_TYPES;
const BEAT_PLAYING = Object.freeze({ mediaSeconds: 20 });
const BEAT_STALLED = Object.freeze({ mediaSeconds: 0 });

/**
 * The workload in time order, stored compactly: event objects are created as they are delivered
 * (as the simulator's emitter does), so the benchmark does not keep 2.3 million objects alive for
 * the garbage collector to mark over and over.
 */
export class Workload {
  constructor(
    readonly n: number,
    private readonly t: Float64Array,
    private readonly type: Uint8Array,
    private readonly sess: Int32Array,
    private readonly label: Int32Array,
    private readonly data: Int32Array,
    private readonly sids: string[],
    private readonly labelObjs: SessionLabels[],
    private readonly datas: NonNullable<SessionEvent['data']>[],
    private readonly weight: number,
  ) {}

  time(i: number): number {
    return this.t[i]!;
  }

  typeOf(i: number): SessionEvent['type'] {
    return TYPES[this.type[i]!]!;
  }

  sid(i: number): string {
    return this.sids[this.sess[i]!]!;
  }

  event(i: number): SessionEvent {
    const d = this.data[i]!;
    const e: SessionEvent = {
      sid: this.sids[this.sess[i]!]!,
      type: TYPES[this.type[i]!]!,
      t: this.t[i]!,
      labels: this.labelObjs[this.label[i]!]!,
      weight: this.weight,
    };
    if (d >= 0) e.data = this.datas[d]!;
    return e;
  }
}

/** The workload: every event of every session slot, in time order. */
export function workload(sessions: number, seed = 'bench-metrics'): Workload {
  const rng = createRng(seed);
  const weight = VIEWERS / sessions;
  const end = T0 + DURATION;
  let serial = 0;
  const ts: number[] = [];
  const types: number[] = [];
  const sess: number[] = [];
  const labs: number[] = [];
  const dats: number[] = [];
  const sids: string[] = [];
  const labelIds = new Map<SessionLabels, number>();
  const labelObjs: SessionLabels[] = [];
  const datas: NonNullable<SessionEvent['data']>[] = [BEAT_PLAYING, BEAT_STALLED];
  for (let slot = 0; slot < sessions; slot++) {
    const region: Region = rng.next() < 0.6 ? 'emea' : 'na';
    const isp = pick(rng, REGIONS[region].isps);
    const device = pick(rng, ['desktop', 'mobile', 'tv'] as const);
    // Joins spread over the first minute, so the population is steady.
    let t = T0 + rng.next() * 60_000;
    while (t < end) {
      const si = sids.length;
      sids.push(`v${slot}-${serial++}`);
      const channel = pick(rng, CHANNELS);
      const enc = rng.next() < 0.5;
      let cdn = rng.next() < 0.7 ? 'cdn-a' : 'cdn-b';
      const pop = pick(rng, REGIONS[region].pops);
      let l = labels(region, isp, device, channel, enc, cdn, pop);
      const emit = (type: SessionEvent['type'], at: number, data?: SessionEvent['data']) => {
        ts.push(at);
        types.push(TYPES.indexOf(type));
        sess.push(si);
        let li = labelIds.get(l);
        if (li === undefined) {
          li = labelObjs.length;
          labelIds.set(l, li);
          labelObjs.push(l);
        }
        labs.push(li);
        if (data === BEAT_PLAYING) dats.push(0);
        else if (data === BEAT_STALLED) dats.push(1);
        else if (data) {
          dats.push(datas.length);
          datas.push(data);
        } else dats.push(-1);
      };
      const incident = (at: number) =>
        at >= INCIDENT.from && at < INCIDENT.to && cdn === INCIDENT.cdn && pop === INCIDENT.pop;
      const req = t;
      emit('playbackRequest', t);
      const bad = incident(t);
      const r = rng.next();
      if (r < (bad ? 0.15 : 0.01)) {
        t += 1000 + rng.next() * 6000;
        emit('playerError', t, { error: ERR_FATAL });
        emit('playbackFail', t, { error: ERR_FATAL });
        t += lognormal(rng, 30_000, 0.8);
        continue;
      }
      const startup = lognormal(rng, bad ? 6000 : 1500, 0.5);
      const patience = lognormal(rng, 15_000, 0.6);
      if (startup > patience || r < 0.02) {
        t += Math.min(startup, patience, r < 0.02 ? 500 + rng.next() * 4000 : patience);
        emit('playbackExit', t, { reason: 'patience' });
        t += lognormal(rng, 30_000, 0.8);
        continue;
      }
      t += startup;
      emit('playbackStart', t, {
        startupMs: t - req,
        manifestMs: 80 + rng.next() * 200,
        ...(enc ? { licenceMs: 100 + rng.next() * 300 } : {}),
      });
      emit('renditionUpdate', t, { bitrate: pick(rng, BITRATES) });
      const leave = Math.min(t + lognormal(rng, 20 * 60_000, 0.9), end + 1);
      let nextBeat = t + 20_000;
      let nextAbr = t + lognormal(rng, 180_000, 0.7);
      let gaveUp = false;
      while (t < leave && !gaveUp) {
        const stallRate = incident(t) ? 1 / 30_000 : 1 / 600_000; // stalls per ms of playing
        let next = t - Math.log(1 - rng.next()) / stallRate;
        while (nextBeat <= Math.min(next, nextAbr, leave)) {
          emit('heartbeat', nextBeat, BEAT_PLAYING);
          nextBeat += 20_000;
        }
        if (nextAbr < next && nextAbr < leave) {
          t = nextAbr;
          emit('renditionUpdate', t, { bitrate: pick(rng, BITRATES) });
          nextAbr = t + lognormal(rng, 180_000, 0.7);
          continue;
        }
        if (next >= leave) break;
        t = next;
        const during = incident(t);
        emit('playbackStall', t);
        if (rng.next() < 0.3) emit('playerError', t, { error: during ? ERR_SEGMENT : ERR_STALL });
        const length = during ? lognormal(rng, 15_000, 0.8) : lognormal(rng, 3000, 0.7);
        next = t + length;
        // During the incident the player often fails over to the other CDN in the middle of the stall.
        if (during && rng.next() < 0.4) {
          const sw = t + length * 0.6;
          while (nextBeat <= sw) {
            emit('heartbeat', nextBeat, BEAT_STALLED);
            nextBeat += 20_000;
          }
          cdn = 'cdn-b';
          l = labels(region, isp, device, channel, enc, cdn, pop);
          emit('pathwayChange', sw, { from: 'cdn-a', to: 'cdn-b' });
        }
        while (nextBeat <= next) {
          emit('heartbeat', nextBeat, BEAT_STALLED);
          nextBeat += 20_000;
        }
        if (length > 45_000 && rng.next() < 0.5) {
          emit('playbackExit', next, { reason: 'patience' });
          t = next;
          gaveUp = true;
          break;
        }
        t = next;
        emit('playbackStallEnd', t);
      }
      if (gaveUp) {
        t += lognormal(rng, 30_000, 0.8);
        continue;
      }
      if (leave > end) break;
      t = leave;
      emit('playbackExit', t, { reason: 'churn' });
      t += lognormal(rng, 30_000, 0.8);
    }
  }
  // Time order (stable per session) with a packed numeric sort: 1/16 ms resolution x emission index.
  const n = ts.length;
  const SEQ = 2 ** 22;
  if (n >= SEQ) throw new Error('too many events for the sort key');
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.floor((ts[i]! - T0) * 16) * SEQ + i;
  keys.sort();
  const t = new Float64Array(n);
  const type = new Uint8Array(n);
  const se = new Int32Array(n);
  const la = new Int32Array(n);
  const da = new Int32Array(n);
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const j = keys[i]! % SEQ;
    // Sub-resolution ties across sessions: keep times non-decreasing, as the simulator delivers.
    last = Math.max(ts[j]!, last);
    t[i] = last;
    type[i] = types[j]!;
    se[i] = sess[j]!;
    la[i] = labs[j]!;
    da[i] = dats[j]!;
  }
  return new Workload(n, t, type, se, la, da, sids, labelObjs, datas, weight);
}

const IMPACT_KEYS: LabelKey[] = ['region', 'cdn', 'pop', 'isp', 'device'];
const ALERT_WINDOWS = [60_000, 300_000, 1_800_000, 3_600_000, 21_600_000];

/** The queries of one evaluation tick, as the drill makes them (through labelValues + snapshot). */
function queryTick(
  src: QoeSource,
  at: number,
): { snapshots: number; global: QoeMetrics; emea: QoeMetrics | undefined } {
  let snapshots = 0;
  const global = src.snapshot(at, { windowMs: 60_000, filter: {} });
  snapshots++;
  for (const key of IMPACT_KEYS)
    for (const v of src.labelValues(key, at, 60_000)) {
      src.snapshot(at, { windowMs: 60_000, filter: { [key]: v } });
      snapshots++;
    }
  let emea: QoeMetrics | undefined;
  for (const windowMs of ALERT_WINDOWS)
    for (const v of src.labelValues('region', at, windowMs)) {
      const m = src.snapshot(at, { windowMs, filter: { region: v } });
      if (windowMs === 300_000 && v === 'emea') emea = m;
      snapshots++;
    }
  return { snapshots, global, emea };
}

/** The catalogue metrics compared between the engines. */
const FIGURES = [
  'viewers',
  'current_viewers',
  'rebuffering_share',
  'video_start_failure',
  'exits_before_video_start',
  'rebuffer_ratio',
  'average_bitrate',
  'sessions',
] as const satisfies readonly MetricId[];

export async function benchMetrics(): Promise<{ pass: boolean } & Record<string, unknown>> {
  const sessions = Number(process.env.BENCH_METRICS_SESSIONS ?? 15_000);
  const engineTicks = Number(process.env.BENCH_METRICS_ENGINE_TICKS ?? 8);
  const g0 = performance.now();
  const events = workload(sessions);
  const generateMs = performance.now() - g0;
  const ticks: number[] = [];
  for (let at = T0 + TICK; at <= T0 + DURATION; at += TICK) ticks.push(at);
  const sampleEvery = Math.max(1, Math.floor(ticks.length / engineTicks));
  const sampled = new Set(ticks.filter((_, i) => i % sampleEvery === sampleEvery - 1));

  // Machine yardstick: materialise every event and look its session up in a Map (the least any
  // per-session aggregator does), to read the figures below on a loaded or slow machine.
  const lookup = new Map<string, number>();
  for (let k = 0; k < events.n; k++) lookup.set(events.sid(k), k);
  const b0 = performance.now();
  let found = 0;
  for (let k = 0; k < events.n; k++) if (lookup.get(events.event(k).sid) !== undefined) found++;
  const baselineMs = performance.now() - b0;
  if (found !== events.n) throw new Error('baseline lookup failed');

  // IncrementalQoe: every event, every tick.
  const inc = new IncrementalQoe({ tickMs: TICK, retentionMs: 70 * 60_000 });
  const incSamples = new Map<number, ReturnType<typeof queryTick>>();
  let ingestMs = 0;
  let queryMs = 0;
  let snapshots = 0;
  let i = 0;
  const load0 = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const at of ticks) {
    const a = performance.now();
    while (i < events.n && events.time(i) <= at) inc.ingest(events.event(i++));
    const b = performance.now();
    const q = queryTick(inc, at);
    const c = performance.now();
    ingestMs += b - a;
    queryMs += c - b;
    snapshots += q.snapshots;
    if (sampled.has(at)) incSamples.set(at, q);
  }
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  // MetricEngine: every event, the same queries on the sampled ticks only.
  const engine = new MetricEngine({ retentionMs: 70 * 60_000 });
  let engIngestMs = 0;
  let engQueryMs = 0;
  let worst = 0;
  let worstAt = '';
  i = 0;
  for (const at of ticks) {
    const a = performance.now();
    while (i < events.n && events.time(i) <= at) engine.ingest(events.event(i++));
    engIngestMs += performance.now() - a;
    if (!sampled.has(at)) continue;
    const b = performance.now();
    const q = queryTick(engine, at);
    engQueryMs += performance.now() - b;
    const mine = incSamples.get(at)!;
    for (const [name, x, y] of [
      ['global', q.global, mine.global],
      ['emea 5m', q.emea, mine.emea],
    ] as const) {
      if (!x || !y) continue;
      for (const f of FIGURES) {
        const u = metricValue(x, f);
        const v = metricValue(y, f);
        const d = u === null || v === null ? (u === v ? 0 : 1) : Math.abs(u - v) / Math.max(1, Math.abs(u));
        if (d > worst) {
          worst = d;
          worstAt = `${name} ${f} at +${(at - T0) / 60_000} min: engine ${u} vs incremental ${v}`;
        }
      }
    }
  }
  const engPerTick = engQueryMs / sampled.size;
  const engTotal = engIngestMs + engPerTick * ticks.length;
  const heap = process.memoryUsage();
  let heartbeats = 0;
  const sids = new Set<string>();
  for (let k = 0; k < events.n; k++) {
    if (events.typeOf(k) === 'heartbeat') heartbeats++;
    else sids.add(events.sid(k));
  }
  const sessionCount = sids.size;
  const result = {
    pass: totalMs <= TARGET_MS && worst < 1e-6,
    targetMs: TARGET_MS,
    workload: {
      sessionSlots: sessions,
      viewers: VIEWERS,
      simulatedMinutes: DURATION / 60_000,
      events: events.n,
      heartbeats,
      sessions: sessionCount,
      cells: inc.cellCount,
      ticks: ticks.length,
      snapshotsPerTick: Math.round(snapshots / ticks.length),
      generateMs: Math.round(generateMs),
    },
    incremental: {
      totalMs: Math.round(totalMs),
      cpuMs: Math.round(cpuMs),
      /** Materialising the events and one Map lookup each, nothing else: this machine's floor. */
      baselineLookupMs: Math.round(baselineMs),
      ingestMs: Math.round(ingestMs),
      queryMs: Math.round(queryMs),
      nsPerEvent: Math.round((ingestMs * 1e6) / events.n),
      queryMsPerTick: +(queryMs / ticks.length).toFixed(3),
      checkpoints: inc.checkpointCount,
      checkpointMb: +(inc.checkpointBytes / 2 ** 20).toFixed(1),
    },
    engine: {
      sampledTicks: sampled.size,
      ingestMs: Math.round(engIngestMs),
      queryMsPerTick: Math.round(engPerTick),
      extrapolatedTotalMs: Math.round(engTotal),
    },
    speedup: Math.round(engTotal / totalMs),
    agreement: {
      comparedFigures: FIGURES.length,
      maxRelativeDifference: worst,
      ...(worst > 0 ? { worst: worstAt } : {}),
    },
    heapUsedMb: Math.round(heap.heapUsed / 2 ** 20),
    // Other processes share this machine's CPUs: the 1-minute load average when the run started.
    loadAverage: +load0.toFixed(2),
    cpus: availableParallelism(),
  };
  return result;
}
