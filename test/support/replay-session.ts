/**
 * A console session over a real trainer replay of a catalogue scenario, started paused in its
 * warm-up with nobody else responding: what the console's unit tests talk to (no hand-made fake).
 */
import { prepareReplay, type Replay } from '../../console/replay.ts';
import type { RunOutcome } from '../../drill/run-virtual.ts';
import { loadRunbook } from '../../incident/runbook.ts';
import { DEFAULT_RULES, loadRules } from '../../rules/load.ts';
import { loadScenario, resolveScenarioPath } from '../../scenarios/load.ts';

export interface ReplaySession extends Replay {
  /** Interrupts the replay (every fault removed) and waits for its journal. */
  stop(): Promise<RunOutcome>;
}

export async function startReplaySession(scenario = 'worked-example', speed = 1): Promise<ReplaySession> {
  const loaded = await loadScenario(resolveScenarioPath(scenario));
  const rules = await loadRules();
  const runbook = await loadRunbook();
  const replay = prepareReplay({ loaded, rules, runbook, speed, paused: true });
  const ac = new AbortController();
  const done = replay.run({
    loaded,
    rules,
    rulesFile: DEFAULT_RULES,
    runbook,
    team: 'none',
    signal: ac.signal,
  });
  await Promise.race([replay.ready, done]);
  return {
    ...replay,
    stop: async () => {
      ac.abort();
      replay.pacer.resume();
      return done;
    },
  };
}
