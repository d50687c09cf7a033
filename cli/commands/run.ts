/**
 * `streamdrill run <scenario>`: a scenario in virtual time (the population model, in seconds) or
 * in real time (the real stack and real players). Writes DIR/journal.jsonl and DIR/result.json and
 * prints what fired when, the expectations, and the scorecard.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatDuration } from '../../core/duration.ts';
import type { JournalEvent } from '../../core/journal.ts';
import { InputFileError } from '../../core/yaml-file.ts';
import { DEFAULT_HISTORY_DB, recordRun } from '../../reports/history/index.ts';
import { writeReport } from '../../reports/report/index.ts';
import type { Runbook } from '../../simulator/incident/runbook.ts';
import { loadRunbook } from '../../simulator/incident/runbook.ts';
import type { Scorecard } from '../../simulator/incident/scoring.ts';
import type { RunResult } from '../../simulator/result.ts';
import { DEFAULT_RULES, loadRules } from '../../simulator/rules/load.ts';
import { parseWebhook, type WebhookTarget } from '../../simulator/rules/notify.ts';
import type { RuleFile } from '../../simulator/rules/schema.ts';
import { runVirtual } from '../../simulator/run-virtual.ts';
import { InputError } from '../errors.ts';
import { loadScenarioOrExplain } from './scenarios.ts';

interface RunFlags {
  virtual?: boolean;
  real?: boolean;
  seed?: string;
  rules: string;
  players?: number;
  browser?: string;
  runbook?: string;
  out?: string;
  team?: 'script' | 'bot' | 'none';
  webhook: WebhookTarget[];
  journalSessions?: boolean;
  quiet?: boolean;
  history: boolean;
  historyDb?: string;
}

export function parsePlayers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64)
    throw new InvalidArgumentError(`expected a number of players from 1 to 64, got ${JSON.stringify(value)}`);
  return n;
}

function parseWebhookFlag(value: string, previous: WebhookTarget[] = []): WebhookTarget[] {
  const t = parseWebhook(value);
  if (!t)
    throw new InvalidArgumentError(
      `expected alertmanager:URL or pagerduty:URL[#routingKey], got ${JSON.stringify(value)}`,
    );
  return [...previous, t];
}

export async function loadInputs(rulesFile: string, runbookFile?: string) {
  try {
    return { rules: await loadRules(rulesFile), runbook: await loadRunbook(runbookFile) };
  } catch (err) {
    if (err instanceof InputFileError) throw new InputError(err.message);
    throw err;
  }
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
  await writeFile(
    join(dir, 'journal.jsonl'),
    events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : ''),
  );
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

export function registerRun(program: Command): void {
  program
    .command('run <scenario>')
    .description('Run a scenario (name from the catalogue, or a file) in virtual time (default) or real time')
    .addOption(
      new Option('--virtual', 'virtual time: the population model, seconds for a whole incident').conflicts(
        'real',
      ),
    )
    .addOption(
      new Option('--real', 'real time: the real stack and real players in Chromium').conflicts('virtual'),
    )
    .option('--seed <seed>', 'override the scenario seed')
    .option('--rules <file>', 'alert rules file', DEFAULT_RULES)
    .option('--runbook <file>', 'runbook file (default: scenarios/runbook/default.yaml)')
    .option('--out <dir>', 'where to write journal.jsonl and result.json (default: runs/<scenario>-<mode>)')
    .addOption(
      new Option('--team <team>', 'who responds: the scenario script, the runbook bot, or nobody').choices([
        'script',
        'bot',
        'none',
      ]),
    )
    .option(
      '--webhook <target>',
      'deliver alerts: alertmanager:URL or pagerduty:URL[#routingKey] (repeatable)',
      parseWebhookFlag,
      [],
    )
    .option('--journal-sessions', 'virtual runs: journal every model session event too (large)')
    .option(
      '--players <n>',
      "real runs: number of real players (default: the scenario's realViewers)",
      parsePlayers,
    )
    .option(
      '--browser <path>',
      'real runs: Chromium to use (default: STREAMDRILL_BROWSER or /usr/bin/chromium)',
    )
    .option('--quiet', 'no progress output')
    .option('--history-db <file>', 'drill history database (default: .streamdrill/history.db)')
    .option('--no-history', 'do not record the run in the drill history')
    .action(async (name: string, flags: RunFlags) => {
      const loaded = await loadScenarioOrExplain(name);
      const { rules, runbook } = await loadInputs(flags.rules, flags.runbook);
      const team = flags.team ?? loaded.scenario.team?.kind ?? 'none';
      if (team === 'script' && loaded.scenario.team?.kind !== 'script') {
        throw new InputError(`scenario ${loaded.name} has no team script; use --team bot or --team none`);
      }
      if (flags.real) {
        const { runRealFromCli } = await import('./run-real.ts');
        await runRealFromCli(loaded, { ...flags, team, rules, rulesFile: flags.rules, runbook });
        return;
      }
      const out = flags.out ?? join('runs', `${loaded.name}-virtual`);
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      const tty = process.stderr.isTTY && !flags.quiet;
      try {
        const { result, events } = await runVirtual({
          loaded,
          rules,
          rulesFile: flags.rules,
          runbook,
          team,
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          webhooks: flags.webhook,
          journalSessions: flags.journalSessions ?? false,
          signal: ac.signal,
          onProgress: ({ fraction, simulatedMs }) => {
            if (!tty) return;
            const width = 30;
            const done = Math.round(fraction * width);
            process.stderr.write(
              `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${formatDuration(simulatedMs)} of ${formatDuration(loaded.scenario.duration)}`,
            );
          },
        });
        if (tty) process.stderr.write('\r\x1b[K');
        await writeOutputs(out, events, result, runbook);
        if (flags.history) await recordHistory(result, events, rules, out, flags.historyDb);
        if (!flags.quiet) process.stdout.write(summarize(result));
        process.stdout.write(
          `wrote ${out}/: journal.jsonl (${events.length} events), result.json, report.html, junit.xml, pir.md\n`,
        );
        if (result.endedBy === 'interrupt') process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
