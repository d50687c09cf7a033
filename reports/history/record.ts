/**
 * Recording a run in the drill history: who ran what, the grid's severity and the team's, the
 * score, the response times, and every alert that fired with whether it was actionable (it fired
 * during an incident — true severity SEV1 to SEV3 — after the faults began, inside the incident's
 * scope) or noise.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { JournalEvent, JournalEventOf } from '../../core/journal.ts';
import { resolveDisplayPath } from '../../core/paths.ts';
import type { RunResult } from '../../drill/result.ts';
import { loadRunbook } from '../../incident/runbook.ts';
import { type Scorecard, scoreJournal } from '../../incident/scoring.ts';
import { loadRules } from '../../rules/load.ts';
import { DEFAULT_HISTORY_DB, type HistoryDb, HistoryError, openHistory } from './db.ts';

export interface RecordRunInput {
  /** The run's result.json (parsed). At least one of result and events is needed. */
  result?: RunResult;
  /** The run's journal events (team, rules file, actions; scored if result has no scorecard). */
  events?: readonly JournalEvent[];
  /** Database file (default .streamdrill/history.db) or an open database. */
  db?: string | HistoryDb;
  /** When the drill ran (default: now). Trends and the 90-day audit use it. */
  ranAt?: Date;
  /** The rules the run was evaluated with, e.g. the loaded RuleFile (default: the journal's rules file). */
  rules?: { rules: readonly { name: string; action: string }[] };
  /** Where it came from (a path), for people reading the table. */
  source?: string;
}

export interface AlertFiringRecord {
  rule: string;
  action: string;
  labels: Record<string, string>;
  firedAt: number;
  resolvedAt: number | null;
  actionable: boolean;
  why: string;
}

export interface RecordedRun {
  id: number;
  /** False if this run was already in the history (nothing written). */
  inserted: boolean;
  scenario: string;
  severityTruth: string | null;
  score: number | null;
  times: ResponseTimes;
  alerts: AlertFiringRecord[];
}

/** Response times in ms, null when the step never happened. See docs/prometheus.md#history. */
export interface ResponseTimes {
  /** First page − impact start. */
  detect: number | null;
  /** Acknowledgement − first page. */
  acknowledge: number | null;
  /** Declaration − impact start. */
  declare: number | null;
  /** First mitigation − impact start. */
  mitigate: number | null;
  /** Impact halved − impact start. */
  impactReduction: number | null;
  /** Resolved − impact start. */
  resolve: number | null;
}

const INCIDENT = new Set(['SEV1', 'SEV2', 'SEV3']);

/**
 * Records one run. Call it after every run with what the run produced:
 * `await recordRun({ result, events, db: flags.historyDb })`.
 */
export async function recordRun(input: RecordRunInput): Promise<RecordedRun> {
  const { result, events } = input;
  if (!result && !events) throw new HistoryError('recordRun needs a result or journal events');
  const started = events?.find((e) => e.type === 'run.started');
  if (events && !started && !result) throw new HistoryError('not a run journal (no run.started event)');
  const card: Scorecard | undefined =
    result?.scorecard ?? (events ? scoreJournal([...events], await loadRunbook()) : undefined);
  const scenario = result?.scenario ?? started?.scenario ?? 'unknown';
  const rules = input.rules
    ? input.rules.rules.map((r) => ({ name: r.name, action: r.action }))
    : await rulesOf(started);
  const alerts = alertsOf(result, events);
  const times = card?.times ?? {};
  const impactStart = times.impactStart ?? times.firstFault ?? null;
  const firstFault = times.firstFault ?? result?.faults[0]?.appliedAt ?? null;
  const truth = card?.severity.truth ?? null;
  const scope = scopeOf(card, started);
  const firings = alerts.map((a) => classifyFiring(a, { truth, scope, from: firstFault ?? impactStart }));
  const diff = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined ? null : a - b;
  const rt: ResponseTimes = {
    detect: diff(times.firstPage, impactStart),
    acknowledge: diff(times.acknowledged, times.firstPage),
    declare: diff(times.declared, impactStart),
    mitigate: diff(times.firstMitigation, impactStart),
    impactReduction: diff(times.impactReduced, impactStart),
    resolve: diff(times.resolved, impactStart),
  };
  const ranAt = (input.ranAt ?? new Date()).getTime();
  const mode = result?.mode ?? started?.mode ?? 'virtual';
  const seed = String(result?.seed ?? started?.seed ?? '');
  const team = started?.team ?? null;
  const runKey = createHash('sha256')
    .update(JSON.stringify([scenario, mode, seed, team, ranAt, input.source ?? null]))
    .digest('hex')
    .slice(0, 32);
  const db = typeof input.db === 'object' ? input.db : openHistory(input.db ?? DEFAULT_HISTORY_DB);
  try {
    const existing = db.prepare<{ id: number }>('SELECT id FROM runs WHERE run_key = ?').get(runKey);
    const base = { scenario, severityTruth: truth, score: card?.score ?? null, times: rt, alerts: firings };
    if (existing) return { id: existing.id, inserted: false, ...base };
    const insert = db.transaction(() => {
      const r = db
        .prepare(
          `INSERT INTO runs (run_key, scenario, title, mode, seed, start_at, ran_at, recorded_at, team, rules_file,
             ended_by, severity_truth, severity_declared, score, impact_start, time_to_detect_ms,
             time_to_acknowledge_ms, time_to_declare_ms, time_to_mitigate_ms, time_to_impact_reduction_ms,
             time_to_resolve_ms, scope, source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runKey,
          scenario,
          result?.title ?? started?.title ?? null,
          mode,
          seed,
          result?.startAt ?? started?.startAt ?? '',
          ranAt,
          Date.now(),
          team,
          started?.rules ?? null,
          result?.endedBy ?? null,
          truth,
          card?.severity.declared ?? null,
          card?.score ?? null,
          impactStart,
          rt.detect,
          rt.acknowledge,
          rt.declare,
          rt.mitigate,
          rt.impactReduction,
          rt.resolve,
          JSON.stringify(scope),
          input.source ?? null,
        );
      const id = Number(r.lastInsertRowid);
      const addAlert = db.prepare(
        `INSERT INTO alert_firings (run_id, rule, action, labels, fired_at, resolved_at, actionable, why)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const a of firings)
        addAlert.run(
          id,
          a.rule,
          a.action,
          JSON.stringify(a.labels),
          a.firedAt,
          a.resolvedAt,
          a.actionable ? 1 : 0,
          a.why,
        );
      const addRule = db.prepare('INSERT OR IGNORE INTO run_rules (run_id, rule, action) VALUES (?, ?, ?)');
      for (const r of rules) addRule.run(id, r.name, r.action);
      for (const a of firings) addRule.run(id, a.rule, a.action);
      return id;
    });
    return { id: insert(), inserted: true, ...base };
  } finally {
    if (typeof input.db !== 'object') db.close();
  }
}

async function rulesOf(
  started: JournalEventOf<'run.started'> | undefined,
): Promise<{ name: string; action: string }[]> {
  const shown = started?.rules;
  if (shown === undefined) return [];
  const file = resolveDisplayPath(shown);
  if (!existsSync(file)) return [];
  try {
    return (await loadRules(file)).rules.map((r) => ({ name: r.name, action: r.action }));
  } catch {
    return [];
  }
}

function alertsOf(result: RunResult | undefined, events: readonly JournalEvent[] | undefined) {
  if (result)
    return result.alerts
      .filter((a) => a.firedAt !== undefined)
      .map((a) => ({
        rule: a.rule,
        action: a.action,
        labels: a.labels,
        firedAt: a.firedAt!,
        resolvedAt: a.resolvedAt ?? null,
      }));
  const out: {
    rule: string;
    action: string;
    labels: Record<string, string>;
    firedAt: number;
    resolvedAt: number | null;
  }[] = [];
  for (const e of events ?? []) {
    if (e.type === 'alert.firing')
      out.push({ rule: e.rule, action: e.action, labels: e.labels, firedAt: e.t, resolvedAt: null });
    if (e.type === 'alert.resolved') {
      const open = [...out]
        .reverse()
        .find(
          (a) =>
            a.rule === e.rule &&
            a.resolvedAt === null &&
            JSON.stringify(a.labels) === JSON.stringify(e.labels),
        );
      if (open) open.resolvedAt = e.t;
    }
  }
  return out;
}

/** The incident's scope: the grid's (classification), else the scenario's expected scope. */
function scopeOf(
  card: Scorecard | undefined,
  started: JournalEventOf<'run.started'> | undefined,
): Record<string, string[]> {
  const fromCard = card?.severity.scope ?? {};
  if (Object.keys(fromCard).length) return fromCard;
  const expected = started?.expect.scope ?? {};
  return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}

/** Actionable: an incident (SEV1–SEV3), after the faults began, and no label outside the scope. */
export function classifyFiring(
  a: {
    rule: string;
    action: string;
    labels: Record<string, string>;
    firedAt: number;
    resolvedAt: number | null;
  },
  ctx: { truth: string | null; scope: Record<string, string[]>; from: number | null },
): AlertFiringRecord {
  let why: string;
  if (!ctx.truth || !INCIDENT.has(ctx.truth)) why = `no incident (the grid says ${ctx.truth ?? 'nothing'})`;
  else if (ctx.from !== null && a.firedAt < ctx.from) why = 'fired before the faults began';
  else {
    const outside = Object.entries(a.labels).find(
      ([k, v]) => ctx.scope[k] !== undefined && !ctx.scope[k]!.includes(v),
    );
    why = outside
      ? `${outside[0]}=${outside[1]} is outside the incident's scope (${ctx.scope[outside[0]]!.join(', ')})`
      : `during a ${ctx.truth} incident, in scope`;
    if (!outside) return { ...a, actionable: true, why };
  }
  return { ...a, actionable: false, why };
}
