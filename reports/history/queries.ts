/**
 * Reading the drill history: trends across drills (time to detect, declare and mitigate, score)
 * per scenario and overall, and the alert audit — the article's tuning rule, "has this alert fired
 * in the last ninety days? was it actionable when it did?" — with a flag for each rule.
 */
import type { HistoryDb } from './db.ts';

export interface TrendRun {
  id: number;
  scenario: string;
  ranAt: number;
  mode: string;
  team: string | null;
  severityTruth: string | null;
  severityDeclared: string | null;
  score: number | null;
  detectMs: number | null;
  acknowledgeMs: number | null;
  declareMs: number | null;
  mitigateMs: number | null;
  impactReductionMs: number | null;
  resolveMs: number | null;
}

export interface Stat {
  /** Runs with a value. */
  n: number;
  first: number | null;
  last: number | null;
  median: number | null;
  /** last − first (negative times and positive scores are improvements). */
  change: number | null;
}

export interface TrendSummary {
  scenario: string;
  runs: number;
  firstRanAt: number;
  lastRanAt: number;
  score: Stat;
  detect: Stat;
  declare: Stat;
  mitigate: Stat;
}

export interface Trends {
  overall: TrendSummary | null;
  scenarios: TrendSummary[];
  /** Every run, oldest first. */
  runs: TrendRun[];
}

const RUN_COLUMNS = `id, scenario, ran_at AS ranAt, mode, team, severity_truth AS severityTruth,
  severity_declared AS severityDeclared, score, time_to_detect_ms AS detectMs,
  time_to_acknowledge_ms AS acknowledgeMs, time_to_declare_ms AS declareMs,
  time_to_mitigate_ms AS mitigateMs, time_to_impact_reduction_ms AS impactReductionMs,
  time_to_resolve_ms AS resolveMs`;

export function trends(db: HistoryDb, o: { scenario?: string; since?: number } = {}): Trends {
  const where: string[] = [];
  const params: unknown[] = [];
  if (o.scenario !== undefined) {
    where.push('scenario = ?');
    params.push(o.scenario);
  }
  if (o.since !== undefined) {
    where.push('ran_at >= ?');
    params.push(o.since);
  }
  const runs = db
    .prepare<TrendRun>(
      `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ran_at, id`,
    )
    .all(...params);
  const names = [...new Set(runs.map((r) => r.scenario))].sort();
  return {
    overall: runs.length ? summarize('(all)', runs) : null,
    scenarios: names.map((n) =>
      summarize(
        n,
        runs.filter((r) => r.scenario === n),
      ),
    ),
    runs,
  };
}

function summarize(scenario: string, runs: TrendRun[]): TrendSummary {
  return {
    scenario,
    runs: runs.length,
    firstRanAt: runs[0]!.ranAt,
    lastRanAt: runs.at(-1)!.ranAt,
    score: stat(runs.map((r) => r.score)),
    detect: stat(runs.map((r) => r.detectMs)),
    declare: stat(runs.map((r) => r.declareMs)),
    mitigate: stat(runs.map((r) => r.mitigateMs)),
  };
}

export function stat(values: (number | null)[]): Stat {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return { n: 0, first: null, last: null, median: null, change: null };
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: xs.length, first: xs[0]!, last: xs.at(-1)!, median, change: xs.at(-1)! - xs[0]! };
}

export type AuditFlag = 'ok' | 'tune' | 'demote' | 'delete';

export interface RuleAudit {
  rule: string;
  action: string;
  /** Firings in the window. */
  firings: number;
  /** Runs (in the window) it fired in, and runs evaluated with it. */
  runsFiredIn: number;
  runsEvaluated: number;
  actionable: number;
  /** actionable / firings; null if it never fired. */
  actionableShare: number | null;
  lastFiredAt: number | null;
  /** True severities of the runs it fired in. */
  severities: string[];
  flag: AuditFlag;
  why: string;
}

export interface AlertAudit {
  days: number;
  since: number;
  runs: number;
  rules: RuleAudit[];
}

export const AUDIT_DAYS = 90;
/** Below this share of actionable firings, a rule that fires is noisy: tune it. */
export const TUNE_BELOW = 0.5;

export function alertAudit(db: HistoryDb, o: { now?: number; days?: number } = {}): AlertAudit {
  const days = o.days ?? AUDIT_DAYS;
  const since = (o.now ?? Date.now()) - days * 86_400_000;
  const runs =
    db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM runs WHERE ran_at >= ?').get(since)?.n ?? 0;
  const catalogue = db
    .prepare<{ rule: string; action: string; runs: number }>(
      `SELECT rr.rule, rr.action, COUNT(DISTINCT rr.run_id) AS runs FROM run_rules rr
       JOIN runs r ON r.id = rr.run_id WHERE r.ran_at >= ? GROUP BY rr.rule, rr.action`,
    )
    .all(since);
  const fired = db
    .prepare<{
      rule: string;
      action: string;
      actionable: number;
      run_id: number;
      truth: string | null;
      ranAt: number;
    }>(
      `SELECT a.rule, a.action, a.actionable, a.run_id, r.severity_truth AS truth, r.ran_at AS ranAt
       FROM alert_firings a JOIN runs r ON r.id = a.run_id WHERE r.ran_at >= ?`,
    )
    .all(since);
  const rules = new Map<string, { action: string; evaluated: number }>();
  for (const c of catalogue) {
    const prev = rules.get(c.rule);
    rules.set(c.rule, { action: c.action, evaluated: (prev?.evaluated ?? 0) + c.runs });
  }
  for (const f of fired) if (!rules.has(f.rule)) rules.set(f.rule, { action: f.action, evaluated: 0 });
  const out: RuleAudit[] = [];
  for (const [rule, { action, evaluated }] of [...rules.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const mine = fired.filter((f) => f.rule === rule);
    const firingRuns = new Set(mine.map((f) => f.run_id));
    const actionable = mine.filter((f) => f.actionable).length;
    const severities = [...new Set(mine.map((f) => f.truth ?? 'none'))].sort();
    const base = {
      rule,
      action,
      firings: mine.length,
      runsFiredIn: firingRuns.size,
      runsEvaluated: Math.max(evaluated, firingRuns.size),
      actionable,
      actionableShare: mine.length ? actionable / mine.length : null,
      lastFiredAt: mine.length ? Math.max(...mine.map((f) => f.ranAt)) : null,
      severities,
    };
    out.push({ ...base, ...flagFor(base, days) });
  }
  return { days, since, runs, rules: out };
}

/** The tuning rule, in order: delete, demote, tune, ok. */
export function flagFor(
  r: Pick<RuleAudit, 'action' | 'firings' | 'actionable' | 'actionableShare' | 'severities'>,
  days = AUDIT_DAYS,
): { flag: AuditFlag; why: string } {
  if (r.firings === 0) {
    return r.action === 'page'
      ? { flag: 'ok', why: `no firing in ${days} days; a page is kept, but check a drill still exercises it` }
      : { flag: 'delete', why: `has not fired in ${days} days (${r.action})` };
  }
  if (r.actionable === 0) return { flag: 'delete', why: `fired ${r.firings}x, never actionable` };
  if (r.action === 'page' && r.severities.every((s) => s === 'SEV3' || s === 'SEV4' || s === 'none'))
    return {
      flag: 'demote',
      why: `pages only in ${r.severities.join('/')} runs: a ticket-level issue, not a page`,
    };
  if ((r.actionableShare ?? 0) < TUNE_BELOW)
    return {
      flag: 'tune',
      why: `mostly noise: ${r.actionable} of ${r.firings} firings actionable (${pct(r.actionableShare)})`,
    };
  return {
    flag: 'ok',
    why: `${r.actionable} of ${r.firings} firings actionable (${pct(r.actionableShare)})`,
  };
}

const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);
