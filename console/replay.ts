/**
 * A trainer replay: the console's live session over the population model in paced virtual time
 * (`streamdrill replay`). The same path serves UI development (`streamdrill replay worked-example
 * --speed 10`) and the console's own tests, so the console is always shown a real run.
 */
import { VirtualClock } from '../core/clock.ts';
import { Pacer } from '../drill/pacer.ts';
import { type RunOutcome, runVirtual, type VirtualRunOptions } from '../drill/run-virtual.ts';
import type { Runbook } from '../incident/runbook.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import { VirtualDashboards } from './dashboards.ts';
import { LiveSession, pacerControls } from './live-session.ts';

export interface ReplayOptions {
  loaded: LoadedScenario;
  rules: RuleFile;
  runbook: Runbook;
  /** Drill seconds per wall second (1 = real time). */
  speed: number;
  paused?: boolean;
  /** Warm-up before scenario time 0 (default 2 min, as every virtual run). */
  warmupMs?: number;
}

export interface Replay {
  session: LiveSession;
  pacer: Pacer;
  /** Resolves once `run` has attached the session to the drill (before time starts). */
  ready: Promise<void>;
  /**
   * Runs the replay to its end (or until `signal` aborts), journaling into `sink` — by default the
   * session; a caller that also wants the journal elsewhere passes a sink that feeds the session too.
   */
  run(common: Omit<VirtualRunOptions, 'clock' | 'warmupMs' | 'pace' | 'onReady'>): Promise<RunOutcome>;
}

export function prepareReplay(o: ReplayOptions): Replay {
  const { loaded } = o;
  const topology = resolveTopology(loaded.scenario.topology ?? {});
  const startMs = Date.parse(loaded.scenario.start.at);
  const warmupMs = o.warmupMs ?? 120_000;
  const clock = new VirtualClock(startMs - warmupMs);
  const pacer = new Pacer(o.speed);
  if (o.paused) pacer.pause();
  const session = new LiveSession({
    loaded,
    rules: o.rules,
    runbook: o.runbook,
    mode: 'virtual',
    clock,
    startMs,
    regions: Object.keys(topology.regions),
    cdns: topology.cdns,
    trainer: pacerControls(pacer),
  });
  const channels = Object.keys(loaded.scenario.population.channels);
  let attached!: () => void;
  const ready = new Promise<void>((resolve) => {
    attached = resolve;
  });
  return {
    session,
    pacer,
    ready,
    run: (common) =>
      runVirtual({
        ...common,
        clock,
        warmupMs,
        pace: pacer,
        sink: common.sink ?? session,
        onReady: ({ drill, engine, sim }) => {
          session.attach({
            desk: drill.desk,
            record: (e) => drill.record(e),
            engine,
            dashboards: new VirtualDashboards(sim, engine, channels),
          });
          attached();
        },
      }),
  };
}
