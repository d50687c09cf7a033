/**
 * The player harness assembled against a running stack: the page built (if stale), the collector
 * serving it, a headless Chromium, and the fleet playing the stack's entry point. Used by
 * `streamdrill play`, the e2e tests and the benchmark.
 */
import type { Clock } from '../core/clock.ts';
import { RealClock } from '../core/clock.ts';
import type { JournalSink } from '../core/journal.ts';
import type { EngineOptions } from '../metrics/engine.ts';
import type { Stack } from '../origin-stub/stack.ts';
import { type LaunchedBrowser, launchBrowser } from './browser.ts';
import { ensurePageBuilt } from './build.ts';
import type { ViewerSpec } from './cohorts.ts';
import { Collector } from './collector.ts';
import { Fleet, type FleetOptions, pathwayHostsFromLinks } from './fleet.ts';

export interface HarnessOptions {
  stack: Pick<Stack, 'links' | 'linkUrl'>;
  viewers: readonly ViewerSpec[];
  clock?: Clock;
  journal?: JournalSink;
  /** Browser executable (else STREAMDRILL_BROWSER, /usr/bin/chromium, ...). */
  browserPath?: string;
  /** Reuse a browser (it is not closed with the harness). */
  browser?: LaunchedBrowser;
  engine?: EngineOptions;
  collectorPort?: number;
  fleet?: Partial<
    Omit<
      FleetOptions,
      'clock' | 'browser' | 'pageUrl' | 'beaconUrl' | 'entryUrl' | 'pathwayHosts' | 'viewers'
    >
  >;
  log?: (line: string) => void;
}

export class Harness {
  private constructor(
    readonly collector: Collector,
    readonly browser: LaunchedBrowser,
    readonly fleet: Fleet,
    private readonly ownsBrowser: boolean,
  ) {}

  static async start(o: HarnessOptions): Promise<Harness> {
    const clock = o.clock ?? new RealClock();
    const pageDir = await ensurePageBuilt({ ...(o.log ? { log: o.log } : {}) });
    const collector = await Collector.start({
      clock,
      pageDir,
      ...(o.journal ? { journal: o.journal } : {}),
      ...(o.engine ? { engineOptions: o.engine } : {}),
      ...(o.collectorPort !== undefined ? { port: o.collectorPort } : {}),
    });
    let browser = o.browser;
    try {
      browser ??= await launchBrowser(o.browserPath ? { executablePath: o.browserPath } : {});
      const fleet = await Fleet.start({
        clock,
        browser,
        pageUrl: collector.pageUrl,
        beaconUrl: `${collector.url}/beacon`,
        entryUrl: o.stack.linkUrl('viewer.entry'),
        pathwayHosts: pathwayHostsFromLinks(o.stack.links.values()),
        viewers: o.viewers,
        ...(o.log ? { log: o.log } : {}),
        ...o.fleet,
      });
      return new Harness(collector, browser, fleet, o.browser === undefined);
    } catch (err) {
      if (!o.browser) await browser?.close();
      await collector.close();
      throw err;
    }
  }

  /** Stops the fleet (final events sent), the browser (if ours) and the collector. */
  async close(): Promise<void> {
    await this.fleet.stop().catch(() => {});
    if (this.ownsBrowser) await this.browser.close();
    await this.collector.close();
  }
}
