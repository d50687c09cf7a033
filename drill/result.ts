/**
 * result.json of a run: what happened (faults, alerts with fire/resolve times, QoE over time per
 * region / CDN / POP), the scorecard, and the scenario's expectations checked.
 */
import type { JournalEvent } from '../core/journal.ts';
import type { ImpactFigures } from '../incident/impact.ts';
import type { Scorecard } from '../incident/scoring.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import type { AlertRecord, Drill } from './drill.ts';

export interface ExpectationResult {
  kind: 'mustFire' | 'mustNotFire' | 'severity';
  description: string;
  pass: boolean;
  why: string;
}

export interface RunResult {
  version: 1;
  scenario: string;
  title: string;
  mode: 'virtual' | 'real';
  seed: string | number;
  startAt: string;
  durationMs: number;
  endedBy: string;
  wallMs: number;
  faults: { step: string; fault: string; appliedAt: number; removedAt: number | null; reason?: string }[];
  alerts: AlertRecord[];
  series: {
    t: number;
    global: Record<string, number>;
    byRegion: Record<string, Record<string, number>>;
    byCdn: Record<string, Record<string, number>>;
    byPop: Record<string, Record<string, number>>;
  }[];
  checks: {
    violations: number;
    details: { check: number; metric: string; at: number; value: number | null }[];
  };
  expectations: ExpectationResult[];
  scorecard?: Scorecard;
  errors: string[];
}

/** The per-slice figures result.json keeps for each sample. */
export const pickFigures = (f: ImpactFigures) => ({
  rebufferingShare: f.rebufferingShare,
  rebufferRatio: f.rebufferRatio,
  startFailureShare: f.startFailureShare,
  videoStartFailureShare: f.videoStartFailureShare,
  exitsBeforeStartShare: f.exitsBeforeStartShare,
  playbackFailureShare: f.playbackFailureShare,
  affectedShare: f.affectedShare,
  viewers: Math.round(f.viewers),
});

export const mapValues = <T, U>(o: Record<string, T> | undefined, fn: (v: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, fn(v)]));

export function checkExpectations(
  expect: Pick<LoadedScenario['scenario']['expect'], 'alerts' | 'severity'>,
  alerts: AlertRecord[],
  impactStart: number | null,
  scorecard?: Scorecard,
): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const { mustFire, mustNotFire } = expect.alerts;
  const labelsMatch = (want: Record<string, string>, have: Record<string, string>) =>
    Object.entries(want).every(([k, v]) => have[k] === v);
  for (const m of mustFire) {
    const fired = alerts.filter(
      (a) => a.rule === m.alert && a.firedAt !== undefined && labelsMatch(m.labels, a.labels),
    );
    const first = fired[0];
    const desc = `${m.alert} ${JSON.stringify(m.labels)} fires${m.within !== undefined ? ` within ${Math.round(m.within / 1000)}s of impact` : ''}`;
    if (!first) {
      out.push({
        kind: 'mustFire',
        description: desc,
        pass: false,
        why: `${m.alert} never fired with ${JSON.stringify(m.labels)}`,
      });
      continue;
    }
    const after = impactStart === null ? null : first.firedAt! - impactStart;
    const late = m.within !== undefined && after !== null && after > m.within;
    out.push({
      kind: 'mustFire',
      description: desc,
      pass: !late,
      why:
        after === null
          ? 'fired (no impact start measured)'
          : `fired ${fmtS(after)} after impact${late ? `; expected within ${fmtS(m.within!)}` : ''}`,
    });
  }
  for (const m of mustNotFire) {
    const fired = alerts.filter(
      (a) => a.rule === m.alert && a.firedAt !== undefined && labelsMatch(m.labels, a.labels),
    );
    out.push({
      kind: 'mustNotFire',
      description: `${m.alert} ${JSON.stringify(m.labels)} stays quiet`,
      pass: fired.length === 0,
      why:
        fired.length === 0
          ? 'did not fire'
          : `fired at ${fired.map((a) => new Date(a.firedAt!).toISOString()).join(', ')}`,
    });
  }
  const sev = expect.severity;
  if (sev && scorecard) {
    out.push({
      kind: 'severity',
      description: `the grid calls it ${sev}`,
      pass: scorecard.severity.truth === sev,
      why: `classified ${scorecard.severity.truth}: ${scorecard.severity.reasons.join('; ')}`,
    });
  }
  return out;
}

function fmtS(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}` : `${s}s`;
}

export function buildResult(args: {
  loaded: LoadedScenario;
  drill: Drill;
  events: JournalEvent[];
  mode: 'virtual' | 'real';
  seed: string | number;
  endedBy: string;
  wallMs: number;
  scorecard?: Scorecard;
}): RunResult {
  const { loaded, drill, events } = args;
  const faults: RunResult['faults'] = [];
  for (const e of events) {
    if (e.type === 'fault.applied')
      faults.push({ step: e.step, fault: e.fault, appliedAt: e.t, removedAt: null });
    if (e.type === 'fault.removed') {
      const f = [...faults].reverse().find((x) => x.step === e.step && x.removedAt === null);
      if (f) {
        f.removedAt = e.t;
        f.reason = e.reason;
      }
    }
  }
  const impactStart = args.scorecard?.times.impactStart ?? null;
  return {
    version: 1,
    scenario: loaded.name,
    title: loaded.scenario.title,
    mode: args.mode,
    seed: args.seed,
    startAt: loaded.scenario.start.at,
    durationMs: loaded.scenario.duration,
    endedBy: args.endedBy,
    wallMs: Math.round(args.wallMs),
    faults,
    alerts: drill.alerts,
    series: drill.samples.map((s) => ({
      t: s.t,
      global: pickFigures(s.global),
      byRegion: mapValues(s.slices.region, pickFigures),
      byCdn: mapValues(s.slices.cdn, pickFigures),
      byPop: mapValues(s.slices.pop, pickFigures),
    })),
    checks: { violations: drill.checkViolations.length, details: drill.checkViolations.slice(0, 100) },
    expectations: checkExpectations(loaded.scenario.expect, drill.alerts, impactStart, args.scorecard),
    ...(args.scorecard ? { scorecard: args.scorecard } : {}),
    errors: drill.errors,
  };
}
