/**
 * Shared by the simulator's tests: a short run of a small population with timed actions, measured
 * by the real QoE engine (the exact one, which answers any window after the run) through the
 * metric catalogue, grouped the ways a test needs. Figures are per minute or pooled over minutes,
 * in percent because the calibration targets are written in percent.
 */
import type { SessionEvent } from '../../core/events.ts';
import { metricValue } from '../../metrics/catalogue.ts';
import { type LabelFilter, type LabelKey, MetricEngine } from '../../metrics/engine.ts';
import type { DeepPartial, ModelConstants } from '../../simulator/constants.ts';
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
  /** Extra groupings, by name: the labels a group is keyed by, e.g. { cohort: ['device', 'variant'] } ('tv/enc'). */
  groups?: Record<string, readonly LabelKey[]>;
  /** Every event, too (e.g. to count error codes). */
  onEvent?: (e: SessionEvent) => void;
  /** Emit heartbeats (default true). */
  heartbeats?: boolean;
  /** Sampled cruises while the origin is slow (default true). */
  sampledCruise?: boolean;
}

/** The figures of a group over some minutes (the catalogue's metrics of that window). */
export interface MinuteFigures {
  /** First minute of the window, from T0. */
  minute: number;
  /** Rebuffer ratio (stalled time / watch time), percent. */
  rebufferPct: number;
  /** Video start failure, percent of the start attempts in the window. */
  vsfPct: number;
  /** Exits before video start, percent of the start attempts in the window. */
  ebvsPct: number;
  /** Startup time p50 of the starts in the window, ms (0: none). */
  startupP50Ms: number;
  /** Viewers watching, time-averaged over the window (weighted). */
  viewers: number;
  attempts: number;
}

/** A grouping of the run's sessions by some labels, answered by the engine. */
export class Groups {
  constructor(
    private readonly engine: MetricEngine,
    private readonly keys: readonly LabelKey[],
    private readonly end: number,
  ) {}

  /** Figures over minutes [from, to) of the group (values of the keys joined by '/'). */
  over(group: string, from: number, to: number): MinuteFigures {
    const values = group.split('/');
    const filter: LabelFilter = Object.fromEntries(this.keys.map((k, i) => [k, values[i]!]));
    const windowMs = (to - from) * 60_000;
    const m = this.engine.snapshot(T0 + to * 60_000, { windowMs, filter });
    const pct = (v: number | null) => 100 * (v ?? 0);
    return {
      minute: from,
      rebufferPct: pct(metricValue(m, 'rebuffer_ratio')),
      vsfPct: pct(metricValue(m, 'video_start_failure')),
      ebvsPct: pct(metricValue(m, 'exits_before_video_start')),
      startupP50Ms: m.startup.p50Ms ?? 0,
      viewers: m.watchTimeMs / windowMs,
      attempts: m.startAttempts,
    };
  }

  /** Figures of every whole minute of the run. */
  minutes(group: string): MinuteFigures[] {
    const n = Math.floor((this.end - T0) / 60_000);
    return Array.from({ length: n }, (_, i) => this.over(group, i, i + 1));
  }
}

export interface Trial extends RunVirtualResult {
  /** Groupings by name; `region` is always there. */
  probes: Record<string, Groups>;
}

export async function trial(o: TrialOptions): Promise<Trial> {
  // A model session never falls silent; without heartbeats nothing proves it, so nothing ends one.
  const engine = new MetricEngine({
    retentionMs: Number.POSITIVE_INFINITY,
    ...(o.heartbeats === false ? { staleMs: Number.POSITIVE_INFINITY } : {}),
  });
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
    sink: (e) => {
      engine.ingest(e);
      o.onEvent?.(e);
    },
  });
  const end = T0 + o.minutes * 60_000;
  const probes: Record<string, Groups> = { region: new Groups(engine, ['region'], end) };
  for (const [name, keys] of Object.entries(o.groups ?? {})) probes[name] = new Groups(engine, keys, end);
  return { ...r, probes };
}

export const min = (m: number): number => m * 60_000;
