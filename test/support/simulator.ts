/**
 * Shared by the simulator's tests: a short run of a small population with timed actions, measured
 * by QoeProbes grouped the ways a test needs.
 */
import type { SessionEvent, SessionLabels } from '../../core/events.ts';
import type { DeepPartial, ModelConstants } from '../../simulator/constants.ts';
import { fanOut, QoeProbe } from '../../simulator/measure.ts';
import type { PopulationSpec } from '../../simulator/population.ts';
import { type RunVirtualResult, runVirtual, type TimedAction } from '../../simulator/run.ts';

export const T0 = Date.UTC(2026, 10, 21, 19, 0);

export interface TrialOptions {
  seed?: string;
  sessions?: number;
  minutes: number;
  population?: PopulationSpec;
  constants?: DeepPartial<ModelConstants>;
  actions?: TimedAction[];
  /** Extra groupings, by name: e.g. { channel: (l) => l.channel }. */
  groups?: Record<string, (l: SessionLabels) => string>;
  /** Every event, too (e.g. to count error codes). */
  onEvent?: (e: SessionEvent) => void;
  /** Emit heartbeats (default true). */
  heartbeats?: boolean;
  /** Sampled cruises while the origin is slow (default true). */
  sampledCruise?: boolean;
}

export interface Trial extends RunVirtualResult {
  /** Probes by grouping name; `region` is always there. */
  probes: Record<string, QoeProbe>;
}

export async function trial(o: TrialOptions): Promise<Trial> {
  const probes: Record<string, QoeProbe> = { region: new QoeProbe(T0) };
  for (const [name, key] of Object.entries(o.groups ?? {})) probes[name] = new QoeProbe(T0, key);
  const sinks = Object.values(probes).map((p) => p.sink);
  if (o.onEvent) sinks.push(o.onEvent);
  const sessions = o.sessions ?? 4000;
  const r = await runVirtual({
    seed: o.seed ?? 'test',
    startMs: T0,
    durationMs: o.minutes * 60_000,
    population: { viewers: sessions * 80, sessions, ...o.population },
    ...(o.constants ? { constants: o.constants } : {}),
    ...(o.heartbeats === false ? { heartbeats: false } : {}),
    ...(o.sampledCruise === false ? { sampledCruise: false } : {}),
    actions: o.actions ?? [],
    sink: fanOut(...sinks),
  });
  return { ...r, probes };
}

export const min = (m: number): number => m * 60_000;
