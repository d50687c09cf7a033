/**
 * Virtual-time population benchmark: the catalogue's worked example (scenarios/worked-example.yaml:
 * 800,000 viewers, 10,000 model sessions, its timeline of faults from the scenario's start to its
 * end, after a two-minute warm-up) run three times in this process, the population model alone: the
 * scenario's timeline drives the model's stack, events go to a sink that looks at every one of
 * them, and there are no metrics, rules or team (the drill benchmark measures those). Target: at
 * most 2 s of wall time per run (median), emission included.
 */
import { cpus } from 'node:os';
import { VirtualClock } from '../core/clock.ts';
import type { SessionEvent } from '../core/events.ts';
import { Timeline } from '../drill/timeline.ts';
import { loadScenario, resolveScenarioPath } from '../scenarios/load.ts';
import { PopulationSimulator } from '../simulator/simulator.ts';

/** Warm-up before scenario time 0, as a drill has: the population is steady when the faults start. */
const WARMUP_MS = 120_000;
/** Clock step between timeline checks, as the virtual runner's. */
const STEP_MS = 1000;

export interface VirtualBenchResult {
  date: string;
  machine: { cpus: number; model: string; node: string };
  scenario: string;
  viewers: number;
  modelSessions: number;
  virtualMinutes: number;
  /** Wall time of each run, ms (the first one includes JIT warm-up). */
  runsMs: number[];
  medianMs: number;
  /** Virtual time / wall time (median run). */
  speedUp: number;
  /** Model sessions started (joins, rejoins included) per wall second. */
  sessionsPerSecond: number;
  /** Model session-minutes simulated per wall second. */
  sessionMinutesPerSecond: number;
  events: number;
  eventsByType: Record<string, number>;
  /** Events per model session-minute of watching. */
  eventsPerSessionMinute: number;
  /** Median wall time scaled to the article's 41 minutes, ms. */
  per41MinutesMs: number;
  targets: { medianMsMax: number };
  pass: boolean;
}

export async function benchVirtual(): Promise<VirtualBenchResult> {
  const loaded = await loadScenario(resolveScenarioPath('worked-example'));
  const { scenario } = loaded;
  const startMs = Date.parse(scenario.start.at);
  const { realViewers: _real, ...population } = scenario.population;
  const durationMs = WARMUP_MS + scenario.duration;
  const runs: { wallMs: number; events: number; joins: number; byType: Record<string, number> }[] = [];
  for (let r = 0; r < 3; r++) {
    // The sink touches every event (a weighted sum), so emission cannot be optimised away.
    let weighted = 0;
    const sink = (e: SessionEvent) => {
      weighted += e.weight;
    };
    const clock = new VirtualClock(startMs - WARMUP_MS);
    const sim = new PopulationSimulator({
      clock,
      seed: `bench-${r}`,
      population,
      topology: scenario.topology ?? {},
      sink,
    });
    const timeline = new Timeline(loaded, clock, sim.stack, { write() {} }, startMs);
    const wall0 = performance.now();
    sim.start();
    timeline.start();
    for (let t = clock.now() + STEP_MS; t <= startMs + scenario.duration; t += STEP_MS) {
      clock.advanceTo(t);
      await timeline.settled();
    }
    sim.stop();
    const wallMs = performance.now() - wall0;
    await timeline.stop('end');
    if (!(weighted > 0)) throw new Error('no events');
    const stats = sim.stats();
    runs.push({ wallMs, events: stats.events, joins: stats.joins, byType: stats.eventsByType });
  }
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = sorted[1]!;
  const sessions = population.sessions;
  const minutes = durationMs / 60_000;
  const target = 2000;
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    scenario: 'worked example (scenarios/worked-example.yaml: its population and timeline, no team)',
    viewers: population.viewers,
    modelSessions: sessions,
    virtualMinutes: minutes,
    runsMs: runs.map((r) => Math.round(r.wallMs)),
    medianMs: Math.round(median.wallMs),
    speedUp: Math.round(durationMs / median.wallMs),
    sessionsPerSecond: Math.round(median.joins / (median.wallMs / 1000)),
    sessionMinutesPerSecond: Math.round((sessions * minutes) / (median.wallMs / 1000)),
    events: median.events,
    eventsByType: median.byType,
    eventsPerSessionMinute: Math.round((median.events / (sessions * minutes)) * 100) / 100,
    per41MinutesMs: Math.round((median.wallMs * 41) / minutes),
    targets: { medianMsMax: target },
    pass: median.wallMs <= target,
  };
}
