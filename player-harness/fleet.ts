/**
 * The viewer fleet: N real viewers (hls.js or Shaka in headless Chromium) spread over cohorts,
 * several per page in one browser, joining staggered, optionally churning (leave, come back),
 * each with a patience (not started in time → leaves: an exit before video start) and a weight
 * (how many viewers of the scenario's population it stands for).
 *
 * Recovery is bounded: a viewer whose session failed or ran out of patience comes back only after
 * `rejoinAfterFailMs` (± 25%), as a new session; never in a loop faster than that.
 */
import type { Page } from 'playwright-core';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { createRng, type Rng } from '../core/rng.ts';
import type { PlayerId } from '../players/registry.ts';
import type { LaunchedBrowser } from './browser.ts';
import type { ViewerSpec } from './cohorts.ts';
import {
  ENDED_BINDING,
  type PageApi,
  type PageSetup,
  type PathwayHost,
  type ViewerConfig,
  type ViewerState,
} from './page/protocol.ts';

export interface FleetOptions {
  clock: Clock;
  browser: LaunchedBrowser;
  /** The player page (served by the collector). */
  pageUrl: string;
  /** Where pages send their events. */
  beaconUrl: string;
  /** The stack's entry point as viewers reach it. */
  entryUrl: string;
  pathwayHosts: Record<string, PathwayHost>;
  viewers: readonly ViewerSpec[];
  /** Viewers per browser page. Default 4. */
  viewersPerPage?: number;
  /** Joins are spread over this long. Default 250 ms per viewer, at most 10 s. */
  joinSpreadMs?: number;
  /** Default 15 s. */
  patienceMs?: number;
  /** Viewers of the population each real viewer stands for. Default 1. */
  weight?: number;
  /** Viewers leave after an exponentially distributed watch time and come back later. */
  churn?: { meanWatchMs: number; rejoinAfterMs: number };
  /** Delay before a viewer whose session failed (or who gave up waiting) tries again; 0: never. Default 10 s. */
  rejoinAfterFailMs?: number;
  heartbeatMs?: number;
  flushMs?: number;
  seed?: string;
  /** Prefix of session ids. */
  runId?: string;
  log?: (line: string) => void;
}

export interface FleetSession {
  slot: number;
  sid: string;
  attempt: number;
  spec: ViewerSpec;
  joinedAt: number;
  endedAt?: number;
  endReason?: string;
}

/** host:port → CDN and POP for every viewer→edge link of a stack (`stack.links.values()`). */
export function pathwayHostsFromLinks(
  links: Iterable<{ listen: string; labels: Record<string, string> }>,
): Record<string, PathwayHost> {
  const out: Record<string, PathwayHost> = {};
  for (const l of links) {
    if (l.labels.link !== 'viewer-edge' || !l.labels.cdn || !l.labels.pop) continue;
    out[l.listen] = { cdn: l.labels.cdn, pop: l.labels.pop };
  }
  return out;
}

export class Fleet {
  readonly sessions: FleetSession[] = [];
  private readonly pages: Page[] = [];
  private readonly timers = new Set<TimerHandle>();
  private readonly active = new Map<string, FleetSession>();
  private readonly attempts = new Map<number, number>();
  private readonly rng: Rng;
  private readonly runId: string;
  private stopping = false;

  private constructor(private readonly o: FleetOptions) {
    this.rng = createRng(`fleet:${o.seed ?? 'streamdrill'}`);
    this.runId = o.runId ?? `v${Math.floor(o.clock.now() / 1000).toString(36)}`;
  }

  /** Opens the pages and schedules every viewer's join; resolves once the pages are ready. */
  static async start(options: FleetOptions): Promise<Fleet> {
    const f = new Fleet(options);
    await f.openPages();
    f.scheduleJoins();
    return f;
  }

  get pageCount(): number {
    return this.pages.length;
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  private async openPages(): Promise<void> {
    const per = Math.max(1, this.o.viewersPerPage ?? 4);
    const count = Math.max(1, Math.ceil(this.o.viewers.length / per));
    const setup: PageSetup = {
      beaconUrl: this.o.beaconUrl,
      flushMs: this.o.flushMs ?? 1000,
      pathwayHosts: this.o.pathwayHosts,
    };
    const opened = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const page = await this.o.browser.context.newPage();
        page.on('crash', () => this.log(`page ${i} crashed`));
        await page.exposeFunction(ENDED_BINDING, (sid: string, reason: string) => this.onEnded(sid, reason));
        await page.goto(this.o.pageUrl);
        await page.waitForFunction(() => 'streamdrill' in window);
        await page.evaluate(
          (s) => (window as unknown as { streamdrill: PageApi }).streamdrill.setup(s),
          setup,
        );
        return page;
      }),
    );
    this.pages.push(...opened);
  }

  private pageOf(slot: number): Page {
    return this.pages[slot % this.pages.length]!;
  }

  private after(ms: number, fn: () => void): void {
    const h = this.o.clock.setTimeout(() => {
      this.timers.delete(h);
      if (!this.stopping) fn();
    }, ms);
    this.timers.add(h);
  }

  private scheduleJoins(): void {
    const n = this.o.viewers.length;
    const spread = this.o.joinSpreadMs ?? Math.min(10_000, 250 * n);
    this.o.viewers.forEach((spec, i) => {
      const at = n <= 1 ? 0 : (spread * i) / n + this.rng.next() * (spread / n) * 0.5;
      this.after(at, () => void this.join(spec));
    });
  }

  private async join(spec: ViewerSpec): Promise<void> {
    const attempt = (this.attempts.get(spec.slot) ?? 0) + 1;
    this.attempts.set(spec.slot, attempt);
    const sid = `${this.runId}-${spec.slot}-${attempt}`;
    const s: FleetSession = { slot: spec.slot, sid, attempt, spec, joinedAt: this.o.clock.now() };
    this.sessions.push(s);
    this.active.set(sid, s);
    const cfg: ViewerConfig = {
      sid,
      entryUrl: this.o.entryUrl,
      player: spec.player as PlayerId,
      region: spec.region,
      isp: spec.isp,
      device: spec.device,
      channel: spec.channel,
      variant: spec.variant,
      weight: this.o.weight ?? 1,
      patienceMs: this.o.patienceMs ?? 15_000,
      heartbeatMs: this.o.heartbeatMs ?? 5000,
    };
    try {
      await this.pageOf(spec.slot).evaluate(
        (c) => (window as unknown as { streamdrill: PageApi }).streamdrill.start(c),
        cfg,
      );
    } catch (err) {
      this.log(`viewer ${sid} could not start: ${(err as Error).message.split('\n')[0]}`);
      this.active.delete(sid);
      return;
    }
    const churn = this.o.churn;
    if (churn) {
      const watch = Math.max(5000, -Math.log(1 - this.rng.next()) * churn.meanWatchMs);
      this.after(watch, () => {
        if (this.active.has(sid)) void this.leave(sid, 'churn');
      });
    }
  }

  /** Makes one viewer leave (its session ends with playbackExit). */
  async leave(sid: string, reason: string): Promise<void> {
    const s = this.active.get(sid);
    if (!s) return;
    await this.pageOf(s.slot)
      .evaluate(([id, r]) => (window as unknown as { streamdrill: PageApi }).streamdrill.stop(id, r), [
        sid,
        reason,
      ] as const)
      .catch(() => {});
  }

  private onEnded(sid: string, reason: string): void {
    const s = this.active.get(sid);
    if (!s) return;
    this.active.delete(sid);
    s.endedAt = this.o.clock.now();
    s.endReason = reason;
    if (this.stopping) return;
    const jitter = () => 0.75 + this.rng.next() * 0.5;
    if (reason === 'churn' && this.o.churn) {
      this.after(this.o.churn.rejoinAfterMs * jitter(), () => void this.join(s.spec));
    } else if (reason === 'fail' || reason === 'patience') {
      const delay = this.o.rejoinAfterFailMs ?? 10_000;
      if (delay > 0) this.after(delay * jitter(), () => void this.join(s.spec));
    }
  }

  /** The state of every viewer on every page (ended ones included). */
  async state(): Promise<ViewerState[]> {
    const all = await Promise.all(
      this.pages.map((p) =>
        p
          .evaluate(() => (window as unknown as { streamdrill: PageApi }).streamdrill.state())
          .catch(() => [] as ViewerState[]),
      ),
    );
    return all.flat();
  }

  /** Sends every queued event now. */
  async flush(): Promise<void> {
    await Promise.all(
      this.pages.map((p) =>
        p.evaluate(() => (window as unknown as { streamdrill: PageApi }).streamdrill.flush()).catch(() => {}),
      ),
    );
  }

  /** Every viewer leaves (reason `end`), the last events are sent, the pages close. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const h of this.timers) this.o.clock.clearTimeout(h);
    this.timers.clear();
    await Promise.all([...this.active.keys()].map((sid) => this.leaveForStop(sid)));
    // give the pages a moment to queue the final events, then send them
    await new Promise((r) => setTimeout(r, 100));
    await this.flush();
    await Promise.all(this.pages.map((p) => p.close().catch(() => {})));
  }

  private async leaveForStop(sid: string): Promise<void> {
    const s = this.active.get(sid);
    if (!s) return;
    await this.pageOf(s.slot)
      .evaluate((id) => (window as unknown as { streamdrill: PageApi }).streamdrill.stop(id, 'end'), sid)
      .catch(() => {});
  }
}
