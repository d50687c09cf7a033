/**
 * report.html in real Chromium, opened from a file:// URL: the charts render with a size, every
 * marker is visible inside its chart, nothing is fetched from the network, and a PNG screenshot is
 * written for people to look at. The JUnit file is also parsed by the browser's XML parser.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../incident/runbook.ts';
import { findBrowser, launchBrowser } from '../../player-harness/browser.ts';
import { sampleJournal, toJsonl } from '../../test/support/report-fixture.ts';
import { writeReport } from './index.ts';

const hasBrowser = (() => {
  try {
    findBrowser();
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasBrowser)('report.html in Chromium', () => {
  it('renders charts and visible markers offline, and screenshots the page', {
    timeout: 20_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sd-report-browser-'));
    await writeFile(join(dir, 'journal.jsonl'), toJsonl(sampleJournal()));
    const { files } = await writeReport(join(dir, 'journal.jsonl'), { runbook: await loadRunbook() });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setViewportSize({ width: 1100, height: 900 });
      await page.goto(pathToFileURL(files.html).href, { waitUntil: 'load' });

      const charts = page.locator('svg.chart');
      expect(await charts.count()).toBe(6);
      for (let i = 0; i < 6; i++) {
        const box = await charts.nth(i).boundingBox();
        expect(box?.width).toBeGreaterThan(400);
        expect(box?.height).toBeGreaterThan(150);
      }
      // Every marker line and label in the first chart is visible and inside the chart.
      const first = charts.first();
      const chartBox = (await first.boundingBox())!;
      const markers = first.locator('g.marker');
      expect(await markers.count()).toBeGreaterThanOrEqual(10);
      for (let i = 0; i < (await markers.count()); i++) {
        const marker = markers.nth(i);
        expect(await marker.isVisible()).toBe(true);
        expect(await marker.locator('text').isVisible()).toBe(true);
        // A vertical line's box has no width (the stroke is not counted), so check its extent.
        const line = (await marker.locator('line').boundingBox())!;
        expect(line.height).toBeGreaterThan(150);
        for (const b of [line, (await marker.locator('text').boundingBox())!]) {
          expect(b.x).toBeGreaterThanOrEqual(chartBox.x);
          expect(b.x + b.width).toBeLessThanOrEqual(chartBox.x + chartBox.width + 1);
          expect(b.y + b.height).toBeLessThanOrEqual(chartBox.y + chartBox.height);
        }
      }
      const kinds = await page.$$eval('svg.chart g.marker', (gs) => [
        ...new Set(gs.map((g) => g.getAttribute('data-marker'))),
      ]);
      expect(kinds.sort()).toEqual(
        [
          'acknowledge',
          'alert-firing',
          'alert-resolved',
          'declare',
          'fault-applied',
          'fault-removed',
          'impact-reduced',
          'mitigate',
          'recovery',
          'resolve',
        ].sort(),
      );

      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect((await stat(shot)).size).toBeGreaterThan(50_000);
      await first.screenshot({ path: join(dir, 'chart.png') });

      // Only the page itself was loaded: nothing from the network.
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

      // The browser's own XML parser accepts the JUnit file.
      const xml = await readFile(files.junit, 'utf8');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        return {
          error: doc.getElementsByTagName('parsererror').length,
          cases: doc.getElementsByTagName('testcase').length,
          failures: doc.getElementsByTagName('failure').length,
          suiteFailures: doc.querySelector('testsuite')?.getAttribute('failures'),
        };
      }, xml);
      expect(parsed.error).toBe(0);
      expect(parsed.cases).toBeGreaterThan(0);
      expect(String(parsed.failures)).toBe(parsed.suiteFailures);
    } finally {
      await browser.close();
    }
  });
});
