/**
 * Calibration: the same short fault scenarios played by real players (hls.js 1.7 and Shaka 5.2 in
 * headless Chromium on the real stub stack, `runReal`) and by model players (`runVirtual`), and
 * the figures that matter compared within stated tolerances — then the same three cases with every
 * viewer, real and modelled, on dash.js 5.2 (the opt-in third player):
 *
 * - rebuffer ratio (stalled time / watch time over the scenario, CTA-2066 Stalled Time %), overall
 *   and per player — calibration-pop-503: cdn-a Frankfurt answers 503 to every segment for 30 s;
 * - video start failure share of the start attempts made while a licence server answers 503 —
 *   calibration-licence-503: half the audience is encrypted and joins during the failure;
 * - median startup time on a fault-free start — calibration-control.
 *
 * Both sides are measured the same way: the run's journal (session events) rebuilt into the
 * metric engine (`metrics/engine.ts`) that computes the QoE metrics everywhere.
 *
 * Two differences of method, both deliberate and documented in docs/simulator.md (Calibration):
 * - The stub stack runs on loopback; the model's RTT constants stand for the internet between
 *   viewers, POPs, shields and the origin. The control scenario's `net-*` steps (latency toxics of
 *   those same RTTs) give the real stack that network; the virtual run leaves them out, since its
 *   constants already include it (adding them would count the RTTs twice).
 * - The model applies a stack change from the next 1 s step boundary (docs/simulator.md), so its
 *   start-failure window starts one step after the fault was applied; the real one at once.
 *
 * Fleets are small (6-8 viewers per run, one run at a time) and each real run lasts 20-60 s of
 * scenario time; the whole file takes ~5 minutes (~35 s more per startup re-measured).
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../core/journal.ts';
import { isSessionEvent, sessionEventFromJournal } from '../../core/journal-events.ts';
import { runReal } from '../../drill/run-real.ts';
import { runVirtual } from '../../drill/run-virtual.ts';
import { loadRunbook } from '../../incident/runbook.ts';
import { metricValue } from '../../metrics/catalogue.ts';
import { type LabelFilter, MetricEngine } from '../../metrics/engine.ts';
import { PLAYER_IDS, type PlayerId } from '../../players/registry.ts';
import { DEFAULT_RULES, loadRules } from '../../rules/load.ts';
import { type LoadedScenario, loadScenario } from '../../scenarios/load.ts';
import { DEFAULT_CONSTANTS } from '../../simulator/constants.ts';

// --- Tolerances -------------------------------------------------------------------------------

/**
 * Rebuffer ratio, absolute difference (0.08 = 8 points). Under the 30 s POP outage real players
 * stall ~12-15 s (hls.js: its retries, then cdn-b) and ~25 s (Shaka: until the POP answers) of a
 * 60 s scenario. Five real runs measured 30.0-34.6 % overall, hls.js 19.7-24.7 %, Shaka
 * 40.2-45.2 % (a retry's alignment with the fault's start and end, CPU load); the model gives
 * 34.0 / 24.8 / 43.6 % with < 1 point of sample noise. The model before this calibration (hls.js: 7
 * attempts from 1 s, so cdn-b only after ~31 s) gave 45 % overall and 46 % for hls.js: it fails by
 * 12 and 22 points. A Shaka that gives up, or a model that never stalls, fails by more.
 */
const REBUFFER_RATIO_TOLERANCE = 0.08;
/**
 * Video start failure share, absolute difference (0.15 = 15 points). Eight real viewers, four of
 * them encrypted: every encrypted start fails in both players, so real players show 50 %, and one
 * viewer is 12.5 points (the tolerance covers one viewer whose licence request beat the fault). A
 * model in which one of the two players survives a licence 503 (hls.js retrying its 5xx, Shaka its
 * three attempts) shows ~25 % and fails by 25 points.
 */
const VSF_TOLERANCE = 0.15;
/**
 * Median startup time, as a factor either way (1.5: the model between 2/3 and 1.5 x the real
 * median). Real startups with the model's round trips measured 0.24-0.28 s on an otherwise quiet
 * machine (the model: 0.29 s). The model before this calibration (0.55 s hls.js / 0.3 s Shaka
 * overheads) gave 0.50 s — x1.8 slower — and fails; so does a model without any player overhead
 * (~0.13 s, x2 faster) when the real players are measured on a quiet machine (see below).
 */
const STARTUP_FACTOR_TOLERANCE = 1.5;
/**
 * CPU contention only ever slows real players: other tests' Chromium fleets share the two cores,
 * and six pages starting alongside another fleet's launch measured 0.56-1.5 s. So a model slower
 * than real players is never excused; a real median slower than the tolerance allows is measured
 * again (this many times, the fastest kept), and if it is still out while the machine is
 * oversubscribed (1-minute load average above its cores) the test reports that it could not
 * measure a clean real startup instead of blaming the model.
 */
const STARTUP_REMEASURES = 1;
/** Start attempts within this long after the fault is in force are the audience's first attempts (the fleet's rejoins come ≥ 7.5 s after a failure). */
const VSF_WINDOW_MS = 7000;

// --- Measuring a run from its journal ---------------------------------------------------------

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scenarios');
/** The default audience's players (hls.js and Shaka half and half, as the scenarios say). */
const PLAYERS = ['hlsjs', 'shaka'] as const;

interface Figures {
  rebufferRatio: number | null;
  rebufferRatioBy: Record<PlayerId, number | null>;
  /** Distinct `player category/code fatal` of the run's player errors (what the players raised). */
  errorCodes: string[];
  videoStartFailure: number | null;
  startAttempts: number;
  startupP50Ms: number | null;
  starts: number;
}

/** The metric engine, fed the session events of a journal in order (as replay does). */
function engineOf(events: JournalEvent[]): MetricEngine {
  const engine = new MetricEngine({ retentionMs: 70 * 60_000 });
  for (const e of events) {
    if (isSessionEvent(e)) engine.ingest(sessionEventFromJournal(e));
  }
  return engine;
}

function measure(events: JournalEvent[], mode: 'real' | 'virtual'): Figures {
  const engine = engineOf(events);
  const t0 = events.find((e) => e.type === 'run.started')!.t;
  const end = events.find((e) => e.type === 'run.ended')!.t;
  const first = events.find((e) => e.type === 'session.playbackRequest')!.t;
  // Rebuffer ratio over the scenario (t0, end]; startup over every start of the run.
  const ratio = (filter?: LabelFilter) => {
    const m = engine.snapshot(end, { windowMs: end - t0, ...(filter ? { filter } : {}) });
    return metricValue(m, 'rebuffer_ratio');
  };
  const whole = engine.snapshot(end, { windowMs: end - Math.min(first, t0) + 1 });
  // VSF: start attempts requested in the window after the fault is in force, each followed to its
  // outcome (failed with a fatal error before its first frame, or not).
  const applied = events.find((e) => e.type === 'fault.applied' && !String(e.step).startsWith('net-'))?.t;
  const inForce =
    applied === undefined ? t0 : mode === 'virtual' ? applied + DEFAULT_CONSTANTS.tickMs : applied;
  const from = mode === 'real' ? Math.min(inForce, first) : inForce;
  let attempts = 0;
  let failed = 0;
  for (const s of engine.sessions()) {
    if (s.requestT < from || s.requestT > inForce + VSF_WINDOW_MS) continue;
    attempts += s.weight;
    if (s.failedBeforeStart) failed += s.weight;
  }
  return {
    rebufferRatio: ratio(),
    rebufferRatioBy: Object.fromEntries(PLAYER_IDS.map((p) => [p, ratio({ player: p })])) as Record<
      PlayerId,
      number | null
    >,
    errorCodes: [
      ...new Set(
        events
          .filter((e) => e.type === 'session.playerError')
          .map((e) => {
            const err = (
              e.data as { error: { player: string; category: string; code: string; fatal: boolean } }
            ).error;
            return `${err.player} ${err.category}/${err.code}${err.fatal ? ' fatal' : ''}`;
          }),
      ),
    ].sort(),
    videoStartFailure: attempts > 0 ? failed / attempts : null,
    startAttempts: attempts,
    startupP50Ms: whole.startup.p50Ms,
    starts: whole.startup.count,
  };
}

/** The scenario without its `net-*` steps (the network the model's constants already include). */
function withoutNetworkSteps(loaded: LoadedScenario): LoadedScenario {
  const keep = loaded.scenario.timeline.map((s) => !('fault' in s && s.id?.startsWith('net-')));
  return {
    ...loaded,
    scenario: { ...loaded.scenario, timeline: loaded.scenario.timeline.filter((_, i) => keep[i]) },
    faults: loaded.faults.filter((_, i) => keep[i]),
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

/** Prints the measured numbers (for the calibration table in docs/simulator.md). */
function report(name: string, side: string, f: Figures): void {
  console.log(
    `[calibration] ${name} ${side.padEnd(5)}: rebuffer ratio ${pct(f.rebufferRatio)} (${PLAYER_IDS.map((p) => `${p} ${pct(f.rebufferRatioBy[p])}`).join(', ')}); ` +
      `VSF ${pct(f.videoStartFailure)} of ${Math.round(f.startAttempts)} attempts; startup p50 ${f.startupP50Ms ?? '-'} ms of ${Math.round(f.starts)} starts; ` +
      `errors: ${f.errorCodes.join('; ') || 'none'}`,
  );
}

const inputs = async () => ({
  rules: await loadRules(),
  rulesFile: DEFAULT_RULES,
  runbook: await loadRunbook(),
});

/**
 * A calibration scenario, for one player when `player` is given: the same audience, faults and
 * network, every viewer (real and model) on that player instead of the scenario's mix.
 */
async function load(name: string, player?: PlayerId): Promise<LoadedScenario> {
  const loaded = await loadScenario(join(FIXTURES, `${name}.yaml`));
  if (!player) return loaded;
  const population = { ...loaded.scenario.population, players: { [player]: 1 } };
  return { ...loaded, scenario: { ...loaded.scenario, population } };
}

/** The scenario on real players (warm-up: time between the joins and scenario time 0). */
async function realRun(name: string, warmupMs: number, player?: PlayerId): Promise<Figures> {
  const loaded = await load(name, player);
  const { result, events } = await runReal({ ...(await inputs()), loaded, team: 'none', warmupMs });
  expect(result.endedBy).toBe('end');
  expect(result.errors).toEqual([]);
  const f = measure(events, 'real');
  report(player ? `${name} (${player})` : name, 'real', f);
  return f;
}

/** The same scenario on model players (warm-up undefined: the default 2 min of a steady audience). */
async function modelRun(name: string, warmupMs?: number, player?: PlayerId): Promise<Figures> {
  const loaded = await load(name, player);
  const { result, events } = await runVirtual({
    ...(await inputs()),
    loaded: withoutNetworkSteps(loaded),
    team: 'none',
    journalSessions: true,
    ...(warmupMs !== undefined ? { warmupMs } : {}),
  });
  expect(result.errors).toEqual([]);
  const f = measure(events, 'virtual');
  report(player ? `${name} (${player})` : name, 'model', f);
  return f;
}

function expectClose(what: string, real: number | null, model: number | null, tolerance: number): void {
  expect(real, `${what}: real`).not.toBeNull();
  expect(model, `${what}: model`).not.toBeNull();
  expect(
    Math.abs(model! - real!),
    `${what}: model ${model!.toFixed(3)} vs real ${real!.toFixed(3)} (tolerance ${tolerance})`,
  ).toBeLessThanOrEqual(tolerance);
}

function expectStartup(real: number | null, model: number | null): void {
  expect(real, 'startup p50: real').not.toBeNull();
  expect(model, 'startup p50: model').not.toBeNull();
  const what = `startup p50: model ${model} ms vs real ${real} ms (within x${STARTUP_FACTOR_TOLERANCE})`;
  expect(model! / real!, what).toBeLessThanOrEqual(STARTUP_FACTOR_TOLERANCE);
  const load = loadavg()[0]!;
  if (real! / model! > STARTUP_FACTOR_TOLERANCE && load > availableParallelism()) {
    console.warn(
      `[calibration] ${what}: real players were slowed by CPU contention (load ${load.toFixed(1)} on ${availableParallelism()} cores); not held against the model`,
    );
    return;
  }
  expect(real! / model!, what).toBeLessThanOrEqual(STARTUP_FACTOR_TOLERANCE);
}

// --- The scenarios ----------------------------------------------------------------------------

describe('calibration: real players and model players agree', () => {
  it('on a POP failing every segment for 30 s: rebuffer ratio, overall and per player', async () => {
    // Model: the default 2 min warm-up. Real: 15 s after the joins every viewer holds a steady live buffer.
    const model = await modelRun('calibration-pop-503');
    const real = await realRun('calibration-pop-503', 15_000);
    // Sanity: the fault bit on both sides (a missing fault would "agree" at 0).
    expect(real.rebufferRatio!).toBeGreaterThan(0.15);
    expectClose('rebuffer ratio', real.rebufferRatio, model.rebufferRatio, REBUFFER_RATIO_TOLERANCE);
    for (const p of PLAYERS)
      expectClose(
        `rebuffer ratio (${p})`,
        real.rebufferRatioBy[p],
        model.rebufferRatioBy[p],
        REBUFFER_RATIO_TOLERANCE,
      );
  }, 180_000);

  it('on a licence server answering 503 while viewers join: video start failure', async () => {
    // Warm-up 0 both ways: the audience joins into the failure.
    const model = await modelRun('calibration-licence-503', 0);
    const real = await realRun('calibration-licence-503', 0);
    expect(real.startAttempts).toBe(8 * 750); // the eight first attempts, 750 viewers each
    expectClose('video start failure', real.videoStartFailure, model.videoStartFailure, VSF_TOLERANCE);
    expectClose('rebuffer ratio', real.rebufferRatio, model.rebufferRatio, REBUFFER_RATIO_TOLERANCE);
  }, 120_000);

  it('on a fault-free start: startup time, no rebuffering, no failures', async () => {
    // Warm-up 0 both ways: the audience joins as the scenario (and its network) starts, so every
    // start is measured.
    const model = await modelRun('calibration-control', 0);
    const real = await realRun('calibration-control', 0);
    expect(real.starts).toBe(6 * 1000); // six viewers of 1,000 each
    expectClose('rebuffer ratio', real.rebufferRatio, model.rebufferRatio, REBUFFER_RATIO_TOLERANCE);
    expectClose('video start failure', real.videoStartFailure, model.videoStartFailure, VSF_TOLERANCE);
    // CPU contention only ever slows real players down: when the real median is slower than the
    // tolerance allows, measure it again and keep the fastest (STARTUP_REMEASURES).
    let realStartup = real.startupP50Ms!;
    for (let i = 0; i < STARTUP_REMEASURES; i++) {
      if (realStartup <= model.startupP50Ms! * STARTUP_FACTOR_TOLERANCE) break;
      realStartup = Math.min(realStartup, (await realRun('calibration-control', 0)).startupP50Ms!);
    }
    expectStartup(realStartup, model.startupP50Ms);
  }, 150_000);
});

/**
 * dash.js (opt-in, players/dashjs/traits.ts): the same three cases with every viewer on dash.js,
 * real and modelled, within the same tolerances.
 */
describe('calibration: real dash.js and model dash.js agree', () => {
  it('on a POP failing every segment for 30 s: rebuffer ratio', async () => {
    const model = await modelRun('calibration-pop-503', undefined, 'dashjs');
    const real = await realRun('calibration-pop-503', 15_000, 'dashjs');
    expectClose('rebuffer ratio (dashjs)', real.rebufferRatio, model.rebufferRatio, REBUFFER_RATIO_TOLERANCE);
  }, 180_000);

  it('on a licence server answering 503 while viewers join: video start failure', async () => {
    const model = await modelRun('calibration-licence-503', 0, 'dashjs');
    const real = await realRun('calibration-licence-503', 0, 'dashjs');
    expect(real.startAttempts).toBe(8 * 750);
    expectClose(
      'video start failure (dashjs)',
      real.videoStartFailure,
      model.videoStartFailure,
      VSF_TOLERANCE,
    );
    expectClose('rebuffer ratio (dashjs)', real.rebufferRatio, model.rebufferRatio, REBUFFER_RATIO_TOLERANCE);
  }, 120_000);

  it('on a fault-free start: startup time, no rebuffering, no failures', async () => {
    const model = await modelRun('calibration-control', 0, 'dashjs');
    const real = await realRun('calibration-control', 0, 'dashjs');
    expect(real.starts).toBe(6 * 1000);
    expectClose('rebuffer ratio (dashjs)', real.rebufferRatio, model.rebufferRatio, REBUFFER_RATIO_TOLERANCE);
    expectClose(
      'video start failure (dashjs)',
      real.videoStartFailure,
      model.videoStartFailure,
      VSF_TOLERANCE,
    );
    let realStartup = real.startupP50Ms!;
    for (let i = 0; i < STARTUP_REMEASURES; i++) {
      if (realStartup <= model.startupP50Ms! * STARTUP_FACTOR_TOLERANCE) break;
      realStartup = Math.min(realStartup, (await realRun('calibration-control', 0, 'dashjs')).startupP50Ms!);
    }
    expectStartup(realStartup, model.startupP50Ms);
  }, 150_000);
});
