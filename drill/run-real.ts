/**
 * A scenario in real time: the real stub stack, a fleet of real hls.js and Shaka players in
 * headless Chromium standing for the scenario's population, the timeline applying faults through
 * the stack's registry and fault proxies, the same drill core as virtual runs. On any exit — end,
 * halt, error, Ctrl-C — every fault is removed, the journal written, everything torn down.
 */
import { performance } from 'node:perf_hooks';
import { RealClock } from '../core/clock.ts';
import { type JournalEvent, type JournalSink, MemoryJournal } from '../core/journal.ts';
import { JOURNAL_VERSION } from '../core/journal-events.ts';
import { watchChanges } from '../incident/observe.ts';
import type { Runbook } from '../incident/runbook.ts';
import { scoreJournal } from '../incident/scoring.ts';
import type { QoeSource } from '../metrics/incremental.ts';
import { RealStackActuator } from '../origin-stub/actuator.ts';
import { Stack } from '../origin-stub/stack.ts';
import type { TopologyInput } from '../origin-stub/topology.ts';
import { assignViewers, type CohortSpec } from '../player-harness/cohorts.ts';
import { summaryLine } from '../player-harness/collector.ts';
import { Harness } from '../player-harness/harness.ts';
import type { WebhookTarget } from '../rules/notify.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import { Drill, type TeamKind } from './drill.ts';
import { buildResult, type RunResult } from './result.ts';

export interface RealRunOptions {
  loaded: LoadedScenario;
  rules: RuleFile;
  rulesFile: string;
  runbook: Runbook;
  team: TeamKind;
  seed?: string | number;
  /** Real players (default: the scenario's population.realViewers). */
  players?: number;
  browserPath?: string;
  webhooks?: WebhookTarget[];
  sink?: JournalSink;
  signal?: AbortSignal;
  /** A live status line every few seconds. */
  onStatus?: (line: string) => void;
  /** Called once the stack and players are up (e.g. to print the control URL). */
  onReady?: (info: {
    control: string;
    collector: string;
    stack: Stack;
    drill: Drill;
    engine: QoeSource;
    startMs: number;
  }) => void;
  /** Time for the fleet to start before scenario time 0 (default 20 s). */
  warmupMs?: number;
  /** Override the scenario's topology (tests use a short steering TTL). */
  topology?: TopologyInput;
}

/** Cohorts in the proportions of the scenario's population (the fleet deals them out evenly). */
export function cohortsFor(loaded: LoadedScenario): CohortSpec {
  const p = loaded.scenario.population;
  const ratios = (m: Record<string, number> | undefined) =>
    Object.entries(m ?? {}).filter(([, v]) => v > 0) as [string, number][];
  const spec: CohortSpec = {};
  const set = (k: keyof CohortSpec, m: Record<string, number> | undefined) => {
    const r = ratios(m);
    if (r.length > 0) spec[k] = r;
  };
  set('region', p.regions);
  set('device', p.devices);
  set('player', p.players);
  set('channel', p.channels);
  const enc = p.encryptedShare ?? 0.3;
  spec.variant =
    enc >= 1
      ? [['enc', 1]]
      : enc <= 0
        ? [['clear', 1]]
        : [
            ['clear', 1 - enc],
            ['enc', enc],
          ];
  return spec;
}

export async function runReal(o: RealRunOptions): Promise<{ result: RunResult; events: JournalEvent[] }> {
  const wall0 = performance.now();
  const scenario = o.loaded.scenario;
  const seed = o.seed ?? scenario.seed;
  const clock = new RealClock();
  const memory = new MemoryJournal();
  const journal: JournalSink = {
    write(e) {
      memory.write(e);
      o.sink?.write(e);
    },
  };
  const n = o.players ?? scenario.population.realViewers;
  const stack = await Stack.start({
    seed,
    topology: o.topology ?? scenario.topology ?? {},
    manifestMonitorMs: 4000,
  });
  let harness: Harness | undefined;
  let drill: Drill | undefined;
  let endedBy: 'end' | 'halt' | 'interrupt' | 'error' = 'end';
  let statusTimer: NodeJS.Timeout | undefined;
  try {
    const viewers = assignViewers(n, cohortsFor(o.loaded));
    harness = await Harness.start({
      stack,
      viewers,
      clock,
      journal,
      ...(o.browserPath ? { browserPath: o.browserPath } : {}),
      engine: { retentionMs: 70 * 60_000 },
      fleet: {
        weight: scenario.population.viewers / n,
        patienceMs: (scenario.population.patience?.medianSeconds ?? 8) * 1000,
        seed: String(seed),
      },
    });
    let halted = false;
    const startMs = clock.now() + (o.warmupMs ?? 20_000);
    drill = new Drill({
      clock,
      loaded: o.loaded,
      rules: o.rules,
      rulesFile: o.rulesFile,
      runbook: o.runbook,
      team: o.team,
      journal,
      actuator: new RealStackActuator(stack),
      engine: harness.collector.engine,
      changes: watchChanges(stack),
      mode: 'real',
      seed,
      startMs,
      ...(o.webhooks ? { webhooks: o.webhooks } : {}),
      onHalt: () => {
        halted = true;
      },
    });
    o.onReady?.({
      control: stack.urls.control,
      collector: harness.collector.url,
      stack,
      drill,
      engine: harness.collector.engine,
      startMs,
    });
    const h = harness;
    statusTimer = setInterval(() => o.onStatus?.(summaryLine(h.collector.report().overall)), 5000);
    await sleepUntil(startMs, o.signal);
    const d = drill;
    d.start();
    const end = startMs + scenario.duration;
    while (clock.now() < end) {
      if (o.signal?.aborted) {
        endedBy = 'interrupt';
        break;
      }
      if (halted) {
        endedBy = 'halt';
        break;
      }
      await new Promise((r) => setTimeout(r, Math.min(250, end - clock.now())));
    }
  } catch (err) {
    endedBy = 'error';
    journal.write({
      v: JOURNAL_VERSION,
      t: clock.now(),
      type: 'run.error',
      message: (err as Error).message,
    });
    throw err;
  } finally {
    clearInterval(statusTimer);
    await drill?.stop(endedBy === 'error' ? 'error' : endedBy).catch(() => {});
    harness?.collector.flushJournal(true);
    await harness?.close().catch(() => {});
    await stack.close().catch(() => {});
  }
  const scorecard = scoreJournal(memory.events, o.runbook);
  const result = buildResult({
    loaded: o.loaded,
    drill: drill!,
    events: memory.events,
    mode: 'real',
    seed,
    endedBy,
    wallMs: performance.now() - wall0,
    scorecard,
  });
  return { result, events: memory.events };
}

function sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, t - Date.now()));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
