/**
 * A scenario in virtual time: the population simulator stands in for the stack and the players,
 * the clock jumps from tick to tick, and a 41-minute incident with 800,000 viewers runs in seconds.
 * Same scenario and seed, same journal, byte for byte.
 */
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../core/clock.ts';
import { type JournalEvent, type JournalSink, MemoryJournal } from '../core/journal.ts';
import { sessionJournalEvent } from '../core/journal-events.ts';
import { watchChanges } from '../incident/observe.ts';
import type { Runbook } from '../incident/runbook.ts';
import { scoreJournal } from '../incident/scoring.ts';
import { IncrementalQoe } from '../metrics/incremental.ts';
import type { WebhookTarget } from '../rules/notify.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import { PopulationSimulator } from '../simulator/simulator.ts';
import { Drill, type TeamKind } from './drill.ts';
import type { Pacer } from './pacer.ts';
import { buildResult, type RunResult } from './result.ts';

export interface VirtualRunOptions {
  loaded: LoadedScenario;
  rules: RuleFile;
  rulesFile: string;
  runbook: Runbook;
  team: TeamKind;
  seed?: string | number;
  /** Also journal every session event (large for 10,000 sessions; off by default). */
  journalSessions?: boolean;
  webhooks?: WebhookTarget[];
  /** Called about once per simulated minute. */
  onProgress?: (p: { fraction: number; simulatedMs: number }) => void;
  /** Extra sink for every journal event as it happens (files, consoles). */
  sink?: JournalSink;
  /** Stop early (Ctrl-C): the run still removes its faults and writes its journal. */
  signal?: AbortSignal;
  /** Warm-up before scenario time 0 so the population is steady (default 2 min). */
  warmupMs?: number;
  /** Paces virtual time against the wall clock (trainer replays); CI runs have none. */
  pace?: Pacer;
  /** The run's clock, when the caller needs it first (must stand at scenario start − warm-up). */
  clock?: VirtualClock;
  /** Called once the simulator and drill exist, before time starts (consoles attach here). */
  onReady?: (r: {
    drill: Drill;
    engine: IncrementalQoe;
    sim: PopulationSimulator;
    clock: VirtualClock;
  }) => void;
}

export interface RunOutcome {
  result: RunResult;
  events: JournalEvent[];
}

/** How far the clock jumps between checks of the timeline queue: faults land on time within this. */
const STEP_MS = 1000;

export async function runVirtual(o: VirtualRunOptions): Promise<RunOutcome> {
  const wall0 = performance.now();
  const scenario = o.loaded.scenario;
  const seed = o.seed ?? scenario.seed;
  const startMs = Date.parse(scenario.start.at);
  const warmup = o.warmupMs ?? 120_000;
  const clock = o.clock ?? new VirtualClock(startMs - warmup);
  if (clock.now() !== startMs - warmup)
    throw new Error(`runVirtual: the clock must start at scenario start − warm-up (${startMs - warmup})`);
  const memory = new MemoryJournal();
  const journal: JournalSink = {
    write(e) {
      memory.write(e);
      o.sink?.write(e);
    },
  };
  // The incremental aggregator: same definitions as MetricEngine (an equivalence test holds them
  // together), answers at evaluation ticks in O(cells) — what makes a 41-minute run take seconds.
  // Heartbeats only prove a session alive, and a model session never falls silent: unless the
  // session events are journaled (where a replay needs them), the model leaves them out and the
  // engine is told no session goes silent. The figures are the same (a test holds them equal).
  const heartbeats = o.journalSessions === true;
  const engine = new IncrementalQoe({
    tickMs: o.rules.evaluationInterval,
    ...(heartbeats ? {} : { staleMs: Number.POSITIVE_INFINITY }),
  });
  const { realViewers: _realOnly, ...population } = scenario.population;
  const sim = new PopulationSimulator({
    clock,
    seed: String(seed),
    population,
    topology: scenario.topology ?? {},
    heartbeats,
    sink: (e) => {
      engine.ingest(e);
      if (o.journalSessions) journal.write(sessionJournalEvent(e));
    },
  });
  let halted = false;
  const drill = new Drill({
    clock,
    loaded: o.loaded,
    rules: o.rules,
    rulesFile: o.rulesFile,
    runbook: o.runbook,
    team: o.team,
    journal,
    actuator: sim.stack,
    engine,
    changes: watchChanges(sim.stack),
    mode: 'virtual',
    seed,
    startMs,
    ...(o.webhooks ? { webhooks: o.webhooks } : {}),
    onHalt: () => {
      halted = true;
    },
  });
  o.onReady?.({ drill, engine, sim, clock });
  sim.start();
  if (o.pace) {
    // Paced: the warm-up also runs step by step, so a training room sees the population join.
    for (let t = clock.now() + STEP_MS; t <= startMs && !o.signal?.aborted; t += STEP_MS) {
      await o.pace.until(t, o.signal);
      clock.advanceTo(t);
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  clock.advanceTo(startMs);
  drill.start();
  const end = startMs + scenario.duration;
  let endedBy: 'end' | 'halt' | 'interrupt' = 'end';
  let lastProgress = clock.now();
  try {
    for (let t = clock.now() + STEP_MS; t <= end; t += STEP_MS) {
      if (o.pace) await o.pace.until(t, o.signal);
      clock.advanceTo(t);
      // Let the timeline's and the team's actuator calls settle before time moves on.
      await drill.timeline.settled();
      await new Promise<void>((r) => setImmediate(r));
      if (t - lastProgress >= 60_000) {
        lastProgress = t;
        o.onProgress?.({ fraction: (t - startMs) / scenario.duration, simulatedMs: t - startMs });
      }
      if (halted) {
        endedBy = 'halt';
        break;
      }
      if (o.signal?.aborted) {
        endedBy = 'interrupt';
        break;
      }
    }
  } finally {
    sim.stop();
    await drill.stop(endedBy === 'halt' ? 'halt' : endedBy === 'interrupt' ? 'interrupt' : 'end');
  }
  const scorecard = scoreJournal(memory.events, o.runbook);
  const result = buildResult({
    loaded: o.loaded,
    drill,
    events: memory.events,
    mode: 'virtual',
    seed,
    endedBy,
    wallMs: performance.now() - wall0,
    ...(scorecard ? { scorecard } : {}),
  });
  return { result, events: memory.events };
}
