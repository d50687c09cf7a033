/** `streamdrill score <journal>`: rescore a run from its journal alone (e.g. against another runbook). */
import type { Command } from 'commander';
import { JournalFormatError, readJournal } from '../../core/journal.ts';
import { scoreJournal } from '../../incident/scoring.ts';
import { DEFAULT_RULES } from '../../rules/load.ts';
import { InputError } from '../errors.ts';
import { loadInputs, scorecardTable } from '../run-output.ts';

export function registerScore(program: Command): void {
  program
    .command('score <journal>')
    .description('Score a run from its journal.jsonl against a runbook (default: the built-in one)')
    .option('--runbook <file>', 'runbook file')
    .option('--json', 'print the scorecard as JSON')
    .action(async (file: string, flags: { runbook?: string; json?: boolean }) => {
      let read: Awaited<ReturnType<typeof readJournal>>;
      try {
        read = await readJournal(file);
      } catch (err) {
        if (err instanceof JournalFormatError) throw new InputError(err.message);
        throw err;
      }
      const { events, warnings } = read;
      for (const w of warnings) process.stderr.write(`streamdrill: warning: ${w}\n`);
      if (!events.some((e) => e.type === 'run.started'))
        throw new InputError(`${file}: not a run journal (no run.started event)`);
      const { runbook } = await loadInputs(DEFAULT_RULES, flags.runbook);
      const card = scoreJournal(events, runbook);
      process.stdout.write(flags.json ? `${JSON.stringify(card, null, 2)}\n` : `${scorecardTable(card)}\n`);
    });
}
