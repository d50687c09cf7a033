/**
 * What the Prometheus export needs from a run, read from its journal (preferred: it also carries
 * the scenario's expectations) or from its result.json: the impact samples, streamdrill's own
 * alert firings and resolutions, and when the run, its faults and its impact began.
 */
import type { JournalEvent } from '../core/journal.ts';
import type { RunResult } from '../drill/result.ts';
import { type ImpactSample, impactSampleOf } from '../incident/impact.ts';
import { classify } from '../incident/severity.ts';

export interface OracleAlert {
  rule: string;
  action: string;
  labels: Record<string, string>;
  firedAt: number;
  resolvedAt: number | null;
}

export interface ExpectedAlert {
  alert: string;
  labels: Record<string, string>;
  /** ms after impact start. */
  within?: number;
}

export interface RunData {
  scenario: string;
  /** Scenario time 0 (ms since the epoch): promtool's time 0. */
  startMs: number;
  durationMs: number;
  samples: {
    t: number;
    global: Record<string, number>;
    slices: Record<string, Record<string, Record<string, number>>>;
  }[];
  /** streamdrill's own evaluation: every alert that fired, with when it resolved. */
  alerts: OracleAlert[];
  firstFault: number | null;
  impactStart: number | null;
  expect: { mustFire: ExpectedAlert[]; mustNotFire: ExpectedAlert[] } | null;
}

export class RunDataError extends Error {}

/** Reads a run from its journal events. */
export function runDataFromJournal(events: readonly JournalEvent[]): RunData {
  const started = events.find((e) => e.type === 'run.started');
  if (!started) throw new RunDataError('not a run journal (no run.started event)');
  const samples: ImpactSample[] = [];
  const alerts: OracleAlert[] = [];
  let firstFault: number | null = null;
  for (const e of events) {
    if (e.type === 'impact.sample') samples.push(impactSampleOf(e));
    else if (e.type === 'fault.applied') firstFault ??= e.t;
    else if (e.type === 'alert.firing') {
      alerts.push({ rule: e.rule, action: e.action, labels: e.labels, firedAt: e.t, resolvedAt: null });
    } else if (e.type === 'alert.resolved') {
      const open = [...alerts]
        .reverse()
        .find((a) => a.rule === e.rule && a.resolvedAt === null && sameLabels(a.labels, e.labels));
      if (open) open.resolvedAt = e.t;
    }
  }
  if (samples.length === 0) throw new RunDataError('the journal has no impact.sample events');
  const impactStart =
    classify(samples, {
      ...(firstFault !== null ? { faultsAt: firstFault } : {}),
      dashboardVisible: firstFault !== null,
    }).impactStart ?? null;
  const startMs = Date.parse(started.startAt);
  return {
    scenario: started.scenario,
    startMs: Number.isFinite(startMs) ? startMs : started.t,
    durationMs: started.durationMs,
    samples,
    alerts,
    firstFault,
    impactStart,
    expect: { mustFire: started.expect.alerts.mustFire, mustNotFire: started.expect.alerts.mustNotFire },
  };
}

/** Reads a run from result.json (no expectations: pass them separately if needed). */
export function runDataFromResult(result: RunResult): RunData {
  if (!Array.isArray(result.series) || result.series.length === 0)
    throw new RunDataError('result.json has no series');
  const startMs = Date.parse(result.startAt);
  return {
    scenario: result.scenario,
    startMs,
    durationMs: result.durationMs,
    samples: result.series.map((s) => ({
      t: s.t,
      global: s.global,
      slices: { region: s.byRegion, cdn: s.byCdn, pop: s.byPop },
    })),
    alerts: result.alerts
      .filter((a) => a.firedAt !== undefined)
      .map((a) => ({
        rule: a.rule,
        action: a.action,
        labels: a.labels,
        firedAt: a.firedAt!,
        resolvedAt: a.resolvedAt ?? null,
      })),
    firstFault: result.faults[0]?.appliedAt ?? null,
    impactStart: result.scorecard?.times.impactStart ?? null,
    expect: null,
  };
}

export function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Every label in `want` has that value in `have`. */
export function labelsMatch(want: Record<string, string>, have: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** streamdrill's firing set for a rule at time t (fired at or before t, not yet resolved). */
export function firingAt(run: RunData, rule: string, t: number): OracleAlert[] {
  return run.alerts.filter(
    (a) => a.rule === rule && a.firedAt <= t && (a.resolvedAt === null || a.resolvedAt > t),
  );
}
