/**
 * What the run commands share: loading rules and runbook with a clear error, the player-count flag,
 * writing a run's outputs (journal, result, report) and recording it in the history, and the
 * printed summary and scorecard.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { formatDuration } from '../core/duration.ts';
import { type JournalEvent, JournalWriter, writeJournalFile } from '../core/journal.ts';
import { InputFileError } from '../core/yaml-file.ts';
import type { RunResult } from '../drill/result.ts';
import type { Runbook } from '../incident/runbook.ts';
import { loadRunbook } from '../incident/runbook.ts';
import type { Scorecard } from '../incident/scoring.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { DEFAULT_HISTORY_DB, recordRun } from '../reports/history/index.ts';
import { writeReport } from '../reports/report/index.ts';
import { checkRuleLabels, knownLabelValues } from '../rules/labels.ts';
import { loadRules } from '../rules/load.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import { loadLadders } from '../simulator/media.ts';
import { InputError } from './errors.ts';

export function parsePlayers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64)
    throw new InvalidArgumentError(`expected a number of players from 1 to 64, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * The rule file and the runbook, validated; with `against`, the rules' label filters are also
 * checked against the stacks of the scenarios they will run on (a `where` no session can match is
 * an error, not a vacuous pass).
 */
export async function loadInputs(rulesFile: string, runbookFile?: string, against: LoadedScenario[] = []) {
  try {
    const rules = await loadRules(rulesFile);
    if (against.length > 0) {
      const known = knownLabelValues(
        against.map((l) => resolveTopology(l.scenario.topology ?? {})),
        loadLadders().map((l) => l.channel),
      );
      await checkRuleLabels(rulesFile, rules, known);
    }
    return { rules, runbook: await loadRunbook(runbookFile) };
  } catch (err) {
    if (err instanceof InputFileError) throw new InputError(err.message);
    throw err;
  }
}

/**
 * Makes the output directory and opens its journal for writing before the run starts, so that an
 * unwritable `--out` fails at once (not after a 40-minute real drill), and a real run streams its
 * journal to disk as it goes (a SIGKILL or an OOM kill leaves what happened until then).
 */
export async function openRunJournal(dir: string): Promise<JournalWriter> {
  const path = join(dir, 'journal.jsonl');
  try {
    await mkdir(dir, { recursive: true });
    const probe = await open(path, 'w');
    await probe.close();
  } catch (err) {
    throw new InputError(
      `--out ${dir}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); choose a writable directory`,
    );
  }
  return JournalWriter.open(path);
}

/** Every run goes into the drill history; a history problem never loses the run itself. */
export async function recordHistory(
  result: RunResult,
  events: JournalEvent[],
  rules: RuleFile,
  source: string,
  db?: string,
): Promise<void> {
  try {
    await recordRun({ result, events, rules, db: db ?? DEFAULT_HISTORY_DB, source });
  } catch (err) {
    process.stderr.write(`streamdrill: history not recorded: ${(err as Error).message}\n`);
  }
}

/** journal.jsonl and result.json, then the report (report.html, junit.xml, pir.md) beside them. */
export async function writeOutputs(
  dir: string,
  events: JournalEvent[],
  result: RunResult,
  runbook: Runbook,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeJournalFile(join(dir, 'journal.jsonl'), events);
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  try {
    await writeReport(join(dir, 'journal.jsonl'), { outDir: dir, runbook });
  } catch (err) {
    process.stderr.write(`streamdrill: report not written: ${(err as Error).message}\n`);
  }
}

export function summarize(result: RunResult): string {
  const t0 = Date.parse(result.startAt);
  const rel = (t: number | undefined) => (t === undefined ? '-' : `+${formatDuration(t - t0)}`);
  const lines = [
    `${result.title} (${result.scenario}), ${result.mode} run, seed ${result.seed}: ${result.endedBy}, ${Math.round(result.wallMs)} ms wall`,
    '',
  ];
  lines.push('faults:');
  for (const f of result.faults)
    lines.push(
      `  ${rel(f.appliedAt).padEnd(8)} ${f.fault} [${f.step}]${f.removedAt ? ` removed ${rel(f.removedAt)} (${f.reason})` : ''}`,
    );
  lines.push('alerts (fired / resolved):');
  const fired = result.alerts.filter((a) => a.firedAt !== undefined);
  if (fired.length === 0) lines.push('  none fired');
  for (const a of fired) {
    lines.push(
      `  ${rel(a.firedAt).padEnd(8)} ${a.rule.padEnd(28)} ${a.action.padEnd(11)} ${JSON.stringify(a.labels)} peak ${a.peakValue === null ? '-' : a.peakValue.toFixed(3)}  resolved ${rel(a.resolvedAt)}`,
    );
  }
  if (result.expectations.length) {
    lines.push('expectations:');
    for (const e of result.expectations)
      lines.push(`  ${e.pass ? 'PASS' : 'FAIL'}  ${e.description}: ${e.why}`);
  }
  if (result.scorecard) lines.push('', scorecardTable(result.scorecard));
  if (result.errors.length) lines.push('', 'errors:', ...result.errors.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

export function scorecardTable(s: Scorecard): string {
  const rows = [['item', 'target', 'measured', 'result']];
  for (const i of s.items)
    rows.push([i.name, i.target, i.measured, i.pass === null ? 'n/a' : i.pass ? 'pass' : 'FAIL']);
  const w = rows[0]!.map((_, c) => Math.min(48, Math.max(...rows.map((r) => r[c]!.length))));
  const line = (r: string[]) =>
    r
      .map((c, k) => (c.length > w[k]! ? `${c.slice(0, w[k]! - 1)}…` : c.padEnd(w[k]!)))
      .join('  ')
      .trimEnd();
  return [
    `scorecard: ${s.score}/100   severity: grid ${s.severity.truth}, declared ${s.severity.declared ?? 'none'} (${s.severity.comparison})`,
    line(rows[0]!),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.slice(1).map(line),
  ].join('\n');
}
