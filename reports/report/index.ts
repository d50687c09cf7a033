/**
 * `streamdrill report`: from a journal alone, write report.html, result.json, junit.xml and pir.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Runbook } from '../../incident/runbook.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { buildModel, type ReportModel, readReportJournal } from './load.ts';
import { renderPir } from './pir.ts';
import { buildResultFromModel, mergeResult } from './result.ts';

export { ReportInputError } from './load.ts';

export interface ReportOptions {
  /** Where to write (default: the journal's directory). */
  outDir?: string;
  runbook: Runbook;
}

export interface ReportOutcome {
  model: ReportModel;
  files: { html: string; result: string; junit: string; pir: string };
  /** Non-fatal problems (a torn last line of the journal, an existing result.json that could not be read). */
  warnings: string[];
}

export async function writeReport(journalPath: string, o: ReportOptions): Promise<ReportOutcome> {
  const { events, warnings } = await readReportJournal(journalPath);
  const model = buildModel(journalPath, events, o.runbook);
  const dir = o.outDir ?? dirname(journalPath);
  const existingPath = join(dirname(journalPath), 'result.json');
  let existing: unknown;
  try {
    existing = JSON.parse(await readFile(existingPath, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      warnings.push(`${existingPath}: ignored (${code ?? (err as Error).message}); rebuilt from the journal`);
  }
  const files = {
    html: join(dir, 'report.html'),
    result: join(dir, 'result.json'),
    junit: join(dir, 'junit.xml'),
    pir: join(dir, 'pir.md'),
  };
  await mkdir(dir, { recursive: true });
  const result = mergeResult(buildResultFromModel(model), existing);
  await Promise.all([
    writeFile(files.html, renderHtml(model)),
    writeFile(files.result, `${JSON.stringify(result, null, 2)}\n`),
    writeFile(files.junit, renderJunit(model)),
    writeFile(files.pir, renderPir(model)),
  ]);
  return { model, files, warnings };
}
