/**
 * `streamdrill report <journal>`: report.html, result.json, junit.xml and pir.md from a journal
 * alone (the scorecard is recomputed against the runbook; result.json may be absent).
 */
import type { Command } from 'commander';
import { ReportInputError, writeReport } from '../../reports/report/index.ts';
import { DEFAULT_RULES } from '../../rules/load.ts';
import { InputError } from '../errors.ts';
import { loadInputs } from '../run-output.ts';

export function registerReport(program: Command): void {
  program
    .command('report <journal>')
    .description('Write report.html, result.json, junit.xml and pir.md from a run journal')
    .option('--out <dir>', "where to write (default: the journal's directory)")
    .option('--runbook <file>', 'runbook file to score against (default: the built-in one)')
    .action(async (file: string, flags: { out?: string; runbook?: string }) => {
      const { runbook } = await loadInputs(DEFAULT_RULES, flags.runbook);
      try {
        const { files, warnings, model } = await writeReport(file, {
          runbook,
          ...(flags.out ? { outDir: flags.out } : {}),
        });
        for (const w of warnings) process.stderr.write(`streamdrill: warning: ${w}\n`);
        process.stdout.write(
          `${model.run.title}: score ${model.scorecard.score}/100, grid ${model.scorecard.severity.truth}\n` +
            `wrote ${files.html}\n      ${files.result}\n      ${files.junit}\n      ${files.pir}\n`,
        );
      } catch (err) {
        if (err instanceof ReportInputError) throw new InputError(err.message);
        throw err;
      }
    });
}
