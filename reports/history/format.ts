/** Readable tables of the drill history: trends per scenario and overall, and the alert audit. */
import { formatDuration } from '../../core/duration.ts';
import type { AlertAudit, Stat, TrendSummary, Trends } from './queries.ts';

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dur = (ms: number | null) =>
  ms === null ? '-' : ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms);

/** "median (first → last)" for times; arrows say whether it got better. */
function timeStat(s: Stat): string {
  if (s.n === 0) return '-';
  if (s.n === 1) return dur(s.median);
  const better = s.change! < 0 ? ' better' : s.change! > 0 ? ' worse' : '';
  return `${dur(s.median)} (${dur(s.first)} → ${dur(s.last)}${better})`;
}

function scoreStat(s: Stat): string {
  if (s.n === 0) return '-';
  if (s.n === 1) return String(Math.round(s.median!));
  const better = s.change! > 0 ? ' better' : s.change! < 0 ? ' worse' : '';
  return `${Math.round(s.median!)} (${Math.round(s.first!)} → ${Math.round(s.last!)}${better})`;
}

const summaryRow = (t: TrendSummary) => [
  t.scenario,
  String(t.runs),
  t.runs > 1 ? `${day(t.firstRanAt)}..${day(t.lastRanAt)}` : day(t.firstRanAt),
  scoreStat(t.score),
  timeStat(t.detect),
  timeStat(t.declare),
  timeStat(t.mitigate),
];

export function trendsTable(t: Trends): string {
  if (!t.overall) return 'No drills recorded yet.';
  const head = ['scenario', 'runs', 'ran', 'score', 'time to detect', 'time to declare', 'time to mitigate'];
  const rows = [head, ...t.scenarios.map(summaryRow)];
  if (t.scenarios.length > 1) rows.push(summaryRow(t.overall));
  const recent = t.runs
    .slice(-10)
    .map((r) => [
      new Date(r.ranAt).toISOString().slice(0, 16).replace('T', ' '),
      r.scenario,
      r.mode,
      r.team ?? '-',
      `${r.severityTruth ?? '-'}/${r.severityDeclared ?? '-'}`,
      r.score === null ? '-' : String(Math.round(r.score)),
      dur(r.detectMs),
      dur(r.acknowledgeMs),
      dur(r.declareMs),
      dur(r.mitigateMs),
      dur(r.impactReductionMs),
      dur(r.resolveMs),
    ]);
  return [
    'Trends (median, first → last; times from impact start, acknowledge from the page)',
    table(rows),
    '',
    `Latest ${recent.length} of ${t.runs.length} drills`,
    table([
      [
        'ran',
        'scenario',
        'mode',
        'team',
        'sev true/declared',
        'score',
        'detect',
        'ack',
        'declare',
        'mitigate',
        'reduced',
        'resolved',
      ],
      ...recent,
    ]),
  ].join('\n');
}

export function auditTable(a: AlertAudit): string {
  const head = `Alert audit: last ${a.days} days (${a.runs} drills since ${day(a.since)}) — has it fired? was it actionable?`;
  if (a.rules.length === 0) return `${head}\nNo rules seen yet.`;
  const rows = a.rules.map((r) => [
    r.rule,
    r.action,
    r.firings
      ? `${r.firings}x in ${r.runsFiredIn}/${r.runsEvaluated} runs`
      : `no (0/${r.runsEvaluated} runs)`,
    r.actionableShare === null ? '-' : `${Math.round(r.actionableShare * 100)}%`,
    r.flag.toUpperCase(),
    r.why,
  ]);
  return `${head}\n${table([['rule', 'action', 'fired', 'actionable', 'flag', 'why'], ...rows])}`;
}
