/**
 * `streamdrill history [--db FILE] [--scenario NAME] [--json]`: trends across drills and the alert
 * audit. `streamdrill history record <run-dir|result.json|journal.jsonl> [--db FILE]`: record a run
 * (`--db` is an option of `history`, so it works before or after `record`).
 */
import type { Command } from 'commander';
import {
  alertAudit,
  auditTable,
  DEFAULT_HISTORY_DB,
  HistoryError,
  loadRunFromDisk,
  openHistory,
  recordRun,
  trends,
  trendsTable,
} from '../../reports/history/index.ts';
import { InputError } from '../errors.ts';

/** History errors are the user's input (a missing or corrupt file): one line, exit 1. */
async function oneLine<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HistoryError) throw new InputError(err.message);
    throw err;
  }
}

export function registerHistory(program: Command): void {
  const history = program
    .command('history')
    .description('Drill history: trends (time to detect, declare, mitigate; score) and the alert audit')
    .option('--db <file>', 'history database', DEFAULT_HISTORY_DB)
    .option('--scenario <name>', 'only this scenario')
    .option('--days <n>', 'alert audit window in days', '90')
    .option('--json', 'print JSON')
    .action(async (flags: { db: string; scenario?: string; days: string; json?: boolean }) => {
      const days = Number(flags.days);
      if (!Number.isInteger(days) || days < 1)
        throw new InputError(`--days: expected a whole number of days, got ${flags.days}`);
      const { t, audit } = await oneLine(() => {
        const db = openHistory(flags.db, { mustExist: true });
        try {
          return {
            t: trends(db, flags.scenario ? { scenario: flags.scenario } : {}),
            audit: alertAudit(db, { days }),
          };
        } finally {
          db.close();
        }
      });
      if (flags.scenario && t.runs.length === 0)
        throw new InputError(`no recorded drills of scenario ${flags.scenario} in ${flags.db}`);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ trends: t, audit }, null, 2)}\n`
          : `${trendsTable(t)}\n\n${auditTable(audit)}\n`,
      );
    });
  history
    .command('record <run>')
    .description('Record a finished run (its directory, result.json or journal.jsonl) in the history')
    .showHelpAfterError()
    .action(async (path: string, _: unknown, cmd: Command) => {
      // --db belongs to `history` (commander gives a shared option to the parent).
      const flags = cmd.optsWithGlobals<{ db: string }>();
      const r = await oneLine(async () => {
        const { warnings, ...run } = await loadRunFromDisk(path);
        for (const w of warnings) process.stderr.write(`streamdrill: warning: ${w}\n`);
        return recordRun({ ...run, db: flags.db });
      });
      process.stdout.write(
        r.inserted
          ? `recorded ${r.scenario} (run ${r.id}: ${r.severityTruth ?? '-'}, score ${r.score ?? '-'}, ${r.alerts.length} alert firings, ${r.alerts.filter((a) => a.actionable).length} actionable) in ${flags.db}\n`
          : `${path} is already recorded (run ${r.id}) in ${flags.db}\n`,
      );
    });
}
