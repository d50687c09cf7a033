/**
 * The console e2e tests' shared steps: the console opened in Chromium as a person would, the
 * command stopped with Ctrl-C (its exit code and the journal it wrote), and everything closed.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type JournalEvent, readJournal } from '../../core/journal.ts';
import { type LaunchedBrowser, launchBrowser } from '../../player-harness/browser.ts';
import type { CliProcess } from './cli-process.ts';

/** A Chromium page on the console at `url`, 1600 x 1000. */
export async function openConsole(url: string): Promise<{ browser: LaunchedBrowser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(`${url}/`);
  return { browser, page };
}

/** Ctrl-C to the command; its exit code and the journal it wrote to `<cwd>/out`. */
export async function interrupt(
  cli: CliProcess,
  cwd: string,
): Promise<{ exitCode: number | null; events: JournalEvent[] }> {
  cli.child.kill('SIGINT');
  const exitCode = await cli.exited;
  return { exitCode, events: (await readJournal(join(cwd, 'out', 'journal.jsonl'))).events };
}

/** After the tests: the browser closed, the command killed if it still runs. */
export async function closeAll(
  browser: LaunchedBrowser | undefined,
  cli: CliProcess | undefined,
): Promise<void> {
  await browser?.close();
  if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
}
