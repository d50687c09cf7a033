/**
 * IncrementalQoe against MetricEngine on a deterministic randomized stream: every tick, several
 * windows and label filters. Tolerances: counts, shares, gauges and the startup histogram to 1e-9
 * (relative); time integrals (watch/stall time, stalled-time %, average bitrate) to 1e-6 relative;
 * startup p50/p95, licence and manifest p50 exactly (the aggregator resolves the rank exactly).
 *
 * The stream avoids two engine behaviours that docs/metrics.md contradicts (see incremental.test.ts):
 * a pathway change in the middle of a stall always ends that stall before the next tick (so no
 * window starts between the change and the stall's end), and no stall starts at the very instant of
 * a label change. Event times are fractional, so no event falls exactly on a window boundary.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent, SessionLabels } from '../core/events.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { METRICS } from './catalogue.ts';
import { type LabelFilter, type LabelKey, MetricEngine, type QoeMetrics } from './engine.ts';
import { HintedSessionEvent, IncrementalQoe } from './incremental.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const TICK = 15_000;
const RUN_MS = 40 * 60_000;

const REGIONS = {
  emea: { pops: ['fra', 'ams'], isps: ['eu-telco', 'eu-cable'] },
  na: { pops: ['iad', 'sjc'], isps: ['na-telco', 'na-cable'] },
} as const;
const DEVICES = {
  desktop: { player: 'hlsjs', drm: 'widevine' },
  mobile: { player: 'hlsjs', drm: 'fairplay' },
  tv: { player: 'shaka', drm: 'playready' },
} as const;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** Frozen, shared label objects (as the simulator's emitter), or fresh copies now and then. */
function makeLabels(rng: Rng): SessionLabels {
  const region = pick(rng, ['emea', 'na'] as const);
  const device = pick(rng, ['desktop', 'mobile', 'tv'] as const);
  const variant = pick(rng, ['clear', 'enc'] as const);
  return Object.freeze({
    region,
    isp: pick(rng, REGIONS[region].isps),
    device,
    player: DEVICES[device].player,
    playerVersion: '1.0',
    channel: pick(rng, ['news', 'sport']),
    variant,
    drm: variant === 'enc' ? DEVICES[device].drm : 'none',
    cdn: pick(rng, ['cdn-a', 'cdn-b']),
    pop: pick(rng, REGIONS[region].pops),
  });
}

function otherPathway(rng: Rng, l: SessionLabels): SessionLabels {
  const pops = REGIONS[l.region as keyof typeof REGIONS].pops;
  const cdn = l.cdn === 'cdn-a' ? 'cdn-b' : 'cdn-a';
  return Object.freeze({ ...l, cdn, pop: pick(rng, pops) });
}

const ERRORS = [
  { player: 'hlsjs', category: 'networkError', code: 'fragLoadError', fatal: false, httpStatus: 503 },
  { player: 'shaka', category: '1', code: '1001', fatal: false, httpStatus: 404 },
  { player: 'hlsjs', category: 'mediaError', code: 'bufferStalledError', fatal: false },
];
const FATAL = {
  player: 'hlsjs',
  category: 'networkError',
  code: 'manifestLoadError',
  fatal: true,
  httpStatus: 500,
};

/** One session's script (and, on restarts, the next one under the same id). */
function script(rng: Rng, sid: string, t0: number, out: SessionEvent[], depth = 0): void {
  let labels = makeLabels(rng);
  const weight = pick(rng, [1, 1, 2.5, 53.3, 66.667, 0]);
  let t = t0;
  const emit = (type: SessionEvent['type'], data?: SessionEvent['data']) => {
    // Sometimes a fresh (unfrozen) copy of the same labels: the aggregator must not rely on identity.
    const l = rng.next() < 0.1 ? { ...labels } : labels;
    out.push({ sid, type, t, labels: l, weight, ...(data ? { data } : {}) });
  };
  const step = (lo: number, hi: number) => {
    t += lo + rng.next() * (hi - lo);
  };
  const end = T0 + RUN_MS + 60_000;
  const kind = rng.next();

  if (kind < 0.04) {
    // An event of an unknown session (the collector restarted): it counts as requested now.
    emit('playbackStart', rng.next() < 0.5 ? { startupMs: 800 + rng.next() * 3000 } : undefined);
  } else {
    emit('playbackRequest');
    if (rng.next() < 0.05) {
      // Labels learnt at the same instant (the page waited for the first segment's pathway).
      labels = otherPathway(rng, labels);
      emit('pathwayChange', { from: 'x', to: labels.cdn });
    }
    if (kind < 0.1) {
      step(100, 900); // gave up before 1 s: not an EBVS
      emit('playbackExit', { reason: 'patience' });
      return;
    }
    if (kind < 0.17) {
      step(1500, 15_000);
      if (rng.next() < 0.5) emit('playerError', { error: pick(rng, ERRORS) });
      emit('playbackExit', { reason: 'patience' });
      return;
    }
    if (kind < 0.23) {
      step(500, 8000);
      emit('playerError', { error: FATAL });
      emit('playbackFail', { error: FATAL });
      if (rng.next() < 0.3) {
        step(10, 500);
        emit('playerError', { error: pick(rng, ERRORS) }); // late detail after the end
      }
      return;
    }
    if (kind < 0.26) return; // requested, then silence: stale at its request
    step(300, 9000);
    const r = rng.next();
    emit(
      'playbackStart',
      r < 0.3
        ? {
            startupMs: 200 + rng.next() * 12_000,
            licenceMs: 50 + rng.next() * 900,
            manifestMs: 20 + rng.next() * 400,
          }
        : r < 0.5
          ? { manifestMs: 20 + rng.next() * 400 }
          : undefined,
    );
  }
  if (rng.next() < 0.9) emit('renditionUpdate', { bitrate: pick(rng, [400_000, 1_200_000, 3_500_000]) });

  let lastBeat = t;
  const beat = () => {
    while (t - lastBeat > 20_000) {
      const save = t;
      t = lastBeat + 20_000;
      emit('heartbeat', { mediaSeconds: 20 });
      lastBeat = t;
      t = save;
    }
  };
  const lifetime = t + 60_000 + rng.next() * 25 * 60_000;
  while (t < lifetime && t < end) {
    const a = rng.next();
    step(2000, 40_000);
    beat();
    if (a < 0.22) {
      // A stall; now and then a pathway change in the middle of it, ending it before the next tick.
      emit('playbackStall');
      const midChange = rng.next() < 0.25;
      const stuck = !midChange && rng.next() < 0.06;
      if (midChange) {
        step(500, 20_000);
        beat();
        labels = otherPathway(rng, labels);
        emit('pathwayChange', { from: 'a', to: labels.cdn });
        const next = T0 + Math.ceil((t - T0) / TICK) * TICK;
        t += (next - t) * (0.1 + 0.8 * rng.next());
        emit('playbackStallEnd');
      } else if (stuck) {
        // Stuck rebuffering for over 5 minutes, still sending heartbeats.
        const until = t + 330_000 + rng.next() * 200_000;
        while (t + 20_000 < until) {
          t += 20_000;
          emit('heartbeat', { mediaSeconds: 0 });
        }
        lastBeat = t;
        t = until;
        if (rng.next() < 0.5) emit('playbackStallEnd');
        else {
          emit('playbackExit', { reason: 'patience' });
          return;
        }
      } else {
        step(300, 45_000);
        beat();
        if (rng.next() < 0.15) {
          emit('playbackPause'); // a pause ends the stall
          step(1000, 90_000);
          beat();
          emit('playbackResume');
        } else emit('playbackStallEnd');
      }
    } else if (a < 0.32) {
      emit('playbackPause');
      if (rng.next() < 0.2) emit('playbackStall'); // buffering while paused: not a stall
      step(2000, 200_000);
      beat();
      emit('playbackResume');
    } else if (a < 0.45) {
      emit('renditionUpdate', { bitrate: pick(rng, [400_000, 1_200_000, 3_500_000, 6_000_000]) });
    } else if (a < 0.52) {
      labels = otherPathway(rng, labels);
      emit('pathwayChange', { from: 'a', to: labels.cdn });
    } else if (a < 0.55) {
      labels = Object.freeze({ ...labels, playerVersion: labels.playerVersion === '1.0' ? '1.1' : '1.0' });
      emit('heartbeat', { mediaSeconds: 1 });
    } else if (a < 0.65) {
      emit('playerError', { error: pick(rng, ERRORS) });
    } else if (a < 0.67) {
      // Silent for 70-150 s (stale for the engine in between), then back.
      t += 70_000 + rng.next() * 80_000;
      lastBeat = t;
      if (rng.next() < 0.3) labels = otherPathway(rng, labels);
      emit('heartbeat', { mediaSeconds: 20 });
    }
  }
  if (t >= end) return;
  const fin = rng.next();
  if (fin < 0.45) emit('playbackExit', { reason: 'churn' });
  else if (fin < 0.55) emit('playbackFinish');
  else if (fin < 0.68) {
    emit('playerError', { error: FATAL });
    emit('playbackFail', { error: FATAL });
  } else if (fin < 0.8) {
    // Goes silent (stale: ends at its last event), maybe in a stall.
    step(100, 3000);
    if (rng.next() < 0.5) emit('playbackStall');
  } else if (fin < 0.9 && depth < 2) {
    step(100, 5000);
    script(rng, sid, t, out, depth + 1); // a new playbackRequest under the same id: "restarted"
  }
}

function generate(seed: string, sessions: number): SessionEvent[] {
  const rng = createRng(seed);
  const events: SessionEvent[] = [];
  for (let i = 0; i < sessions; i++) {
    const start = T0 + rng.next() * (RUN_MS - 3 * 60_000);
    script(rng, `s${i}`, start, events);
  }
  // Time order, stable (each session's own order is kept), as the simulator's emitter delivers.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.t - b.e.t || a.i - b.i)
    .map((x) => x.e);
}

const close = (a: number, b: number, rel: number) =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

function compare(ctx: string, e: QoeMetrics, m: QoeMetrics): string[] {
  const bad: string[] = [];
  const num = (name: string, x: number | null, y: number | null, rel: number) => {
    if (x === null || y === null) {
      if (x !== y) bad.push(`${ctx} ${name}: engine ${x} vs incremental ${y}`);
    } else if (!close(x, y, rel)) bad.push(`${ctx} ${name}: engine ${x} vs incremental ${y}`);
  };
  const exactish = 1e-9;
  const timeRel = 1e-6;
  for (const k of [
    'realSessions',
    'viewers',
    'currentViewers',
    'rebufferingNow',
    'startAttempts',
    'videoStartFailures',
    'exitsBeforeVideoStart',
    'sessions',
    'playbackFailures',
    'stalls',
    'watchingSessions',
    'currentBitrate',
  ] as const)
    num(k, e[k], m[k], exactish);
  for (const k of ['stallTimeMs', 'watchTimeMs', 'playTimeMs', 'bitsPlayed'] as const)
    num(k, e[k], m[k], timeRel);
  // Every metric of the catalogue, as rules, impact samples and Prometheus read it.
  // Quantiles are order statistics: exactly equal; everything else is sums of floats.
  for (const def of METRICS)
    num(def.id, def.value(e), def.value(m), def.aggregation.kind === 'quantile' ? 0 : timeRel);
  num('startup.count', e.startup.count, m.startup.count, exactish);
  num('startup.meanMs', e.startup.meanMs, m.startup.meanMs, exactish);
  num('startup.p50Ms', e.startup.p50Ms, m.startup.p50Ms, 0);
  num('startup.p95Ms', e.startup.p95Ms, m.startup.p95Ms, 0);
  num('licenceP50Ms', e.licenceP50Ms, m.licenceP50Ms, 0);
  num('manifestP50Ms', e.manifestP50Ms, m.manifestP50Ms, 0);
  e.startup.histogram.forEach((b, i) => {
    const o = m.startup.histogram[i];
    if (!o || o.le !== b.le || !close(b.count, o.count, exactish))
      bad.push(`${ctx} histogram[${b.le}]: engine ${b.count} vs incremental ${o?.count}`);
  });
  const key = (x: QoeMetrics['errors'][number]) =>
    [
      x.player,
      x.playerVersion,
      x.device,
      x.isp,
      x.cdn,
      x.pop,
      x.category,
      x.code,
      x.fatal,
      x.httpStatus,
    ].join('|');
  const ee = new Map(e.errors.map((x) => [key(x), x]));
  const me = new Map(m.errors.map((x) => [key(x), x]));
  if (ee.size !== me.size) bad.push(`${ctx} errors: ${ee.size} kinds vs ${me.size}`);
  for (const [k, x] of ee) {
    const y = me.get(k);
    if (!y || x.events !== y.events || !close(x.count, y.count, exactish))
      bad.push(`${ctx} errors ${k}: ${x.events}/${x.count} vs ${y?.events}/${y?.count}`);
  }
  // Sorted by weighted count, descending, in both.
  for (let i = 1; i < m.errors.length; i++)
    if (m.errors[i]!.count > m.errors[i - 1]!.count + 1e-9) bad.push(`${ctx} errors not sorted`);
  return bad;
}

const FILTERS: LabelFilter[] = [
  {},
  { region: 'emea' },
  { region: 'na' },
  { cdn: 'cdn-a' },
  { cdn: 'cdn-b' },
  { pop: 'fra' },
  { pop: 'sjc' },
  { device: 'tv' },
  { region: 'emea', cdn: 'cdn-b' },
  { cdn: ['cdn-a', 'cdn-b'], device: ['mobile', 'tv'], playerVersion: '1.1' },
];

describe('IncrementalQoe equals MetricEngine', () => {
  it('on a randomized stream at every tick, for several windows and filters', () => {
    const events = generate('equivalence-1', 450);
    const engine = new MetricEngine({ retentionMs: 24 * 3_600_000 });
    const inc = new IncrementalQoe({ tickMs: TICK });
    const bad: string[] = [];
    let i = 0;
    let compared = 0;
    for (let at = T0 + TICK; at <= T0 + RUN_MS + 120_000; at += TICK) {
      while (i < events.length && events[i]!.t <= at) {
        engine.ingest(events[i]!);
        inc.ingest(events[i]!);
        i++;
      }
      const k = (at - T0) / TICK;
      const windows = k % 4 === 0 ? [60_000, 300_000, 1_800_000, 21_600_000] : [60_000, 300_000];
      for (const windowMs of windows) {
        for (const filter of FILTERS) {
          const ctx = `t+${(at - T0) / 1000}s w=${windowMs / 1000}s ${JSON.stringify(filter)}`;
          bad.push(
            ...compare(
              ctx,
              engine.snapshot(at, { windowMs, filter }),
              inc.snapshot(at, { windowMs, filter }),
            ),
          );
          compared++;
        }
        for (const key of ['region', 'cdn', 'pop', 'playerVersion'] as LabelKey[]) {
          const a = engine.labelValues(key, at, windowMs);
          const b = inc.labelValues(key, at, windowMs);
          if (a.join() !== b.join()) bad.push(`t+${(at - T0) / 1000}s labelValues ${key}: ${a} vs ${b}`);
        }
      }
      if (bad.length > 20) break;
    }
    expect(bad.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
    // The stream exercised what it should.
    const types = new Set(events.map((e) => e.type));
    for (const t of ['playbackStall', 'playbackPause', 'pathwayChange', 'playbackFail', 'playerError'])
      expect(types.has(t as SessionEvent['type'])).toBe(true);
  });

  it('gives exactly the same figures for hinted events, also when sessions share seats', () => {
    const events = generate('equivalence-3', 300);
    // One hint per session id and label object (as the simulator's emitter makes them), on a seat
    // of its own or on one of a few shared seats; and plain events for comparison.
    const hinted = (seats: number) => {
      const hints = new Map<string, { slot: number; epoch: number }>();
      const labelIds = new Map<SessionLabels, number>();
      return events.map((e) => {
        if (!labelIds.has(e.labels)) labelIds.set(e.labels, labelIds.size);
        const key = `${e.sid}|${labelIds.get(e.labels)}`;
        let h = hints.get(key);
        if (!h) {
          h = { slot: seats > 0 ? hints.size % seats : hints.size, epoch: HintedSessionEvent.newEpoch() };
          hints.set(key, h);
        }
        const x = new HintedSessionEvent(e.sid, e.type, e.t, e.labels, e.weight, h.slot, h.epoch);
        if (e.data) x.data = e.data;
        return x;
      });
    };
    const streams = [events, hinted(0), hinted(7)];
    const incs = streams.map(() => new IncrementalQoe({ tickMs: TICK }));
    expect(JSON.stringify(streams[1])).toBe(JSON.stringify(events));
    const next = streams.map(() => 0);
    let compared = 0;
    for (let at = T0 + TICK; at <= T0 + RUN_MS + 120_000; at += TICK) {
      streams.forEach((stream, k) => {
        let i = next[k]!;
        while (i < stream.length && stream[i]!.t <= at) incs[k]!.ingest(stream[i++]!);
        next[k] = i;
      });
      for (const windowMs of [60_000, 300_000]) {
        for (const filter of [{}, { region: 'emea' }, { cdn: 'cdn-b' }] as LabelFilter[]) {
          const [plain, ...others] = incs.map((q) => JSON.stringify(q.snapshot(at, { windowMs, filter })));
          for (const o of others) expect(o).toBe(plain);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('groups() gives the same figures as one snapshot per group', () => {
    const events = generate('equivalence-2', 250);
    const engine = new MetricEngine({ retentionMs: 24 * 3_600_000 });
    const inc = new IncrementalQoe({ tickMs: TICK });
    for (const e of events) {
      engine.ingest(e);
      inc.ingest(e);
    }
    const at = T0 + 20 * 60_000;
    const partial = new IncrementalQoe({ tickMs: TICK });
    const engine2 = new MetricEngine({ retentionMs: 24 * 3_600_000 });
    for (const e of events) {
      if (e.t > at) break;
      partial.ingest(e);
      engine2.ingest(e);
    }
    const bad: string[] = [];
    for (const windowMs of [60_000, 3_600_000]) {
      const groups = partial.groups(at, windowMs, { device: ['tv', 'mobile'] }, ['region', 'cdn']);
      const combos = engine2.labelCombos(['region', 'cdn'], at, windowMs);
      expect(groups.map((g) => [g.labels.region, g.labels.cdn])).toEqual(
        combos.filter((c) => groups.some((g) => g.labels.region === c[0] && g.labels.cdn === c[1])),
      );
      for (const g of groups) {
        const filter = { device: ['tv', 'mobile'], ...g.labels } as LabelFilter;
        bad.push(
          ...compare(
            `groups ${JSON.stringify(filter)}`,
            engine2.snapshot(at, { windowMs, filter }),
            g.metrics,
          ),
        );
      }
    }
    expect(bad).toEqual([]);
  });
});
