/**
 * Trainer mode in the browser: `streamdrill replay worked-example --paused` in its own process and
 * the trainer at the console in Chromium — resume, speed up, open the trainer view (the faults in
 * force, which trainees never see), send an inject, watch the page fire — then Ctrl-C in the
 * middle of the incident: the journal is still written and every fault the timeline applied is
 * removed. Screenshots go to test/output/.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../../console/api.ts';
import type { JournalEvent } from '../../core/journal.ts';
import type { LaunchedBrowser } from '../../player-harness/browser.ts';
import { type CliProcess, startCli } from '../support/cli-process.ts';
import { closeAll, interrupt, openConsole } from '../support/console-page.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test', 'output');
const cwd = mkdtempSync(join(tmpdir(), 'sd-console-trainer-'));
let cli: CliProcess;
let url = '';
let browser: LaunchedBrowser;
let page: Page;
const seen: Record<string, unknown> = {};
let events: JournalEvent[] = [];
let exitCode: number | null = null;

const snapshot = async () => (await (await fetch(`${url}/api/snapshot`)).json()) as ConsoleSnapshot;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  cli = startCli(['replay', 'worked-example', '--paused', '--speed', '5', '--no-history', '--out', 'out'], {
    cwd,
  });
  url = await cli.consoleUrl();
  ({ browser, page } = await openConsole(url));
  await page.getByTestId('trainer-bar').waitFor();
  const t0 = (await snapshot()).clock.now;
  await page.waitForTimeout(1500);
  seen.pausedMoved = (await snapshot()).clock.now - t0;
  await page.getByTestId('trainer-pause').click(); // resume
  await page.getByTestId('trainer-speed-60').click();
  await page.getByTestId('trainer-view-toggle').check();
  await page
    .getByTestId('trainer-view')
    .getByText(/cache-force-miss/)
    .first()
    .waitFor({ timeout: 60_000 });
  seen.trainerView = await page.getByTestId('trainer-view').innerText();
  // The page fires as EMEA passes 5% (about 19:42:45 drill time).
  await page.getByTestId('alert-RebufferPage').waitFor({ timeout: 90_000 });
  await page.getByTestId('trainer-inject').fill("cdn-a's account engineer joins the bridge");
  await page.getByTestId('trainer-inject').press('Enter');
  await page.getByTestId('narration').getByText("cdn-a's account engineer joins the bridge").waitFor();
  seen.speed = (await snapshot()).clock.speed;
  await page.screenshot({ path: join(SHOTS, 'console-trainer.png'), fullPage: true });
  // Ctrl-C in the middle of the incident.
  ({ exitCode, events } = await interrupt(cli, cwd));
}, 240_000);

afterAll(() => closeAll(browser, cli));

describe('trainer mode in the console', () => {
  it('starts paused: drill time stands still until the trainer resumes', () => {
    expect(seen.pausedMoved).toBe(0);
    expect(seen.speed).toBe(60);
  });

  it('shows the trainer the ground truth: the faults in force and the expected severity', () => {
    expect(seen.trainerView).toMatch(/cache-force-miss/);
    expect(seen.trainerView).toMatch(/SEV2/);
  });

  it('journals the inject with the trainer as its author', () => {
    expect(events.find((e) => e.type === 'narration' && e.inject === true)).toMatchObject({
      role: 'trainer',
      text: "cdn-a's account engineer joins the bridge",
    });
  });

  it('on Ctrl-C writes the journal and removes every fault it applied', () => {
    expect(exitCode).toBe(130);
    expect(events.find((e) => e.type === 'run.ended')).toMatchObject({ reason: 'interrupt' });
    const applied = events.filter((e) => e.type === 'fault.applied').map((e) => e.step);
    const removed = events.filter((e) => e.type === 'fault.removed').map((e) => e.step);
    expect(applied.length).toBeGreaterThan(0);
    expect(removed.sort()).toEqual(applied.sort());
  });
});
