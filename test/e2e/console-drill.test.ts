/**
 * The war-room console on a real drill: `streamdrill drill` in its own process (the real stack, six
 * real hls.js and Shaka players in Chromium), and a person at the console — played by Playwright in
 * another Chromium — acting as on-call, Ops and Comms. The dashboards render live data; pulling
 * "Steer EMEA to cdn-b" moves real players (visible in the CDN split) and is journaled with its
 * role; the status page shows the update; the journal holds exactly the actions taken, the same as
 * `streamdrill act` produces for the same steps; at the end the scorecard and report appear.
 * Screenshots are written to test/output/ for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../core/journal.ts';
import type { LaunchedBrowser } from '../../player-harness/browser.ts';
import { type CliProcess, startCli } from '../support/cli-process.ts';
import { actionEvents, DRILL_ACTIONS } from '../support/console-actions.ts';
import { closeAll, interrupt, openConsole } from '../support/console-page.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCENARIO = join(ROOT, 'test', 'fixtures', 'scenarios', 'console-drill.yaml');
const SHOTS = join(ROOT, 'test', 'output');
const cwd = mkdtempSync(join(tmpdir(), 'sd-console-drill-'));
let cli: CliProcess;
let url = '';
let browser: LaunchedBrowser;
let page: Page;
const seen: Record<string, unknown> = {};
let events: JournalEvent[] = [];
let exitCode: number | null = null;

const viewers = async (testId: string) =>
  Number((await page.getByTestId(testId).getAttribute('data-viewers')) ?? Number.NaN);

async function act(kind: string, fill: () => Promise<void>) {
  await fill();
  await page.getByTestId(`act-${kind}-submit`).click();
  await page.getByTestId('scribe-timeline').getByText(/./).first().waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const childTmp = mkdtempSync(join(tmpdir(), 'sd-console-drill-tmp-'));
  cli = startCli(['drill', SCENARIO, '--players', '6', '--no-history', '--out', 'out'], {
    cwd,
    env: { TMPDIR: childTmp },
  });
  url = await cli.consoleUrl();
  ({ browser, page } = await openConsole(url));
  // Players are up and the drill is running: the dashboards carry live stack data.
  await page
    .getByTestId('phase')
    .filter({ hasText: /running/i })
    .waitFor({ timeout: 90_000 });
  await page.getByTestId('role-select').selectOption('oncall');
  await act('acknowledge', async () => {});
  await act('declare', async () => {
    await page.getByTestId('severity-SEV2').click();
  });
  await page.getByTestId('role-select').selectOption('ops');
  await page.getByTestId('dashboard-cdn-edge').click();
  const panel = page.getByTestId('dashboard-panel');
  await panel.getByText(/cdn-a/).first().waitFor({ timeout: 20_000 });
  seen.panel = await panel.innerText();
  await page.screenshot({ path: join(SHOTS, 'console-drill-dashboard.png'), fullPage: true });
  seen.cdnBBefore = await viewers('cdn-viewers-cdn-b');
  seen.emeaOnBBefore = await viewers('split-emea-cdn-b');
  await page.getByTestId('lever-steer-emea-cdn-b').click();
  seen.confirmText = await page.getByTestId('confirm-dialog').innerText();
  await page.getByTestId('confirm-mitigation').click();
  // Real players re-read the steering manifest within its TTL (2 s here) and move.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const n = await viewers('cdn-viewers-cdn-b').catch(() => 0);
    if (n > 0) break;
    await page.waitForTimeout(1000);
  }
  seen.cdnBAfter = await viewers('cdn-viewers-cdn-b');
  seen.emeaOnBAfter = await viewers('split-emea-cdn-b');
  seen.naOnBAfter = await viewers('split-na-cdn-b');
  await page.getByTestId('role-select').selectOption('comms');
  await act('status', async () => {
    await page.getByTestId('status-state').selectOption('identified');
    await page.getByTestId('status-message').fill('EMEA viewers moved to our secondary CDN');
  });
  await page.getByTestId('status-page').getByText('EMEA viewers moved to our secondary CDN').waitFor();
  seen.statusPage = await page.getByTestId('status-page').innerText();
  await page.screenshot({ path: join(SHOTS, 'console-drill-after-steer.png'), fullPage: true });
  // The drill runs to its end; the console stays up for the debrief with the scorecard and report.
  await page.getByTestId('scorecard').waitFor({ timeout: 240_000 });
  seen.scorecard = await page.getByTestId('scorecard').innerText();
  await page.screenshot({ path: join(SHOTS, 'console-drill-scorecard.png'), fullPage: true });
  const report = await page.request.get(`${url}/report`);
  seen.report = await report.text();
  ({ exitCode, events } = await interrupt(cli, cwd));
}, 420_000);

afterAll(() => closeAll(browser, cli));

describe('the console on a real drill', () => {
  it('renders the live CDN edge dashboard from the stack', () => {
    expect(seen.panel).toMatch(/fra/);
    expect(seen.panel).toMatch(/req\/s/i);
  });

  it('moves real players to cdn-b when Ops steers EMEA there, after a confirmation', () => {
    expect(seen.confirmText).toMatch(/EMEA/);
    expect(seen.cdnBBefore).toBe(0);
    expect(seen.cdnBAfter as number).toBeGreaterThan(0);
    // It is EMEA that moved; North America stays on cdn-a.
    expect(seen.emeaOnBBefore).toBe(0);
    expect(seen.emeaOnBAfter as number).toBeGreaterThan(0);
    expect(seen.naOnBAfter).toBe(0);
    const lever = events.find((e) => e.type === 'lever.pulled');
    expect(lever).toMatchObject({ lever: 'steer', role: 'ops', args: { region: 'emea', cdn: 'cdn-b' } });
    // The players' own sessions moved: segment requests from EMEA viewers now carry cdn-b.
    const moved = events.filter(
      (e) =>
        e.type.startsWith('session.') &&
        e.t > lever!.t &&
        (e as { labels?: { cdn?: string } }).labels?.cdn === 'cdn-b',
    );
    expect(moved.length).toBeGreaterThan(0);
  });

  it('shows the status update on the status page', () => {
    expect(seen.statusPage).toContain('EMEA viewers moved to our secondary CDN');
  });

  it('journals exactly the actions taken at the console, as streamdrill act does', () => {
    expect(actionEvents(events)).toMatchObject(DRILL_ACTIONS.map((a) => a.event));
  });

  it('ends with the scorecard and the report in the console, and the journal on disk', () => {
    expect(seen.scorecard).toMatch(/\d+/);
    expect(seen.scorecard).toMatch(/declare|Declare/);
    expect(seen.report).toContain('<svg');
    expect(exitCode).toBe(0);
    expect(events.some((e) => e.type === 'run.ended')).toBe(true);
    expect(events.some((e) => e.type === 'narration' && (e as { inject?: boolean }).inject)).toBe(true);
    expect(readFileSync(join(cwd, 'out', 'report.html'), 'utf8')).toContain('<svg');
    expect(cli.output()).toMatch(/scorecard: \d+\/100/);
  });
});
