/**
 * result.json rebuilt from the journal, in the shape of drill/result.ts's RunResult. What the
 * journal does not hold (wall time of a virtual run, steady-state check violations) comes from an
 * existing result.json when there is one; its fields are kept and the scorecard is refreshed.
 */

import { mapValues, pickFigures, type RunResult } from '../../drill/result.ts';
import type { ImpactFigures } from '../../incident/impact.ts';
import type { ReportModel } from './load.ts';

const pick = (f: ImpactFigures) => pickFigures(f);

export function buildResultFromModel(m: ReportModel): RunResult {
  return {
    version: 1,
    scenario: m.run.scenario,
    title: m.run.title,
    mode: m.run.mode === 'real' ? 'real' : 'virtual',
    seed: m.run.seed,
    startAt: m.run.startAt,
    durationMs: m.run.durationMs,
    endedBy: m.halted ? 'halt' : m.endedBy,
    // A real run's wall time is its clock span; a virtual run's is not in the journal.
    wallMs: m.run.mode === 'real' ? Math.round(m.endedAt - m.run.startMs) : 0,
    faults: m.faults.map((f) => ({
      step: f.step,
      fault: f.fault,
      appliedAt: f.appliedAt,
      removedAt: f.removedAt,
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
    })),
    alerts: m.alerts,
    series: m.samples.map((s) => ({
      t: s.t,
      global: pick(s.global),
      byRegion: mapValues(s.slices.region, pick),
      byCdn: mapValues(s.slices.cdn, pick),
      byPop: mapValues(s.slices.pop, pick),
    })),
    checks: { violations: 0, details: [] },
    expectations: m.expectations,
    scorecard: m.scorecard,
    errors: m.errors,
  };
}

/** Keeps an existing result's fields and refreshes its scorecard; without one, the rebuilt result. */
export function mergeResult(fresh: RunResult, existing: unknown): RunResult {
  if (!existing || typeof existing !== 'object' || Array.isArray(existing)) return fresh;
  return { ...fresh, ...(existing as Partial<RunResult>), scorecard: fresh.scorecard } as RunResult;
}
