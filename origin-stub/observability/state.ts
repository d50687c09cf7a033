/**
 * The stack's state for the seven dashboards (server side): cumulative counters from every
 * component, plus rates over a recent window computed from periodic samples (clock-driven).
 */

import type { TcpFaults } from '../control/tcp-faults.ts';
import { latestAvailableNumber, segmentTiming } from '../packager/timeline.ts';
import type { StackParts } from '../parts.ts';
import type { ManifestMonitor } from './manifest-monitor.ts';

interface PopSample {
  atMs: number;
  requests: number;
  misses: number;
  errors5xx: number;
  parentRequests: number;
  starvation: number;
}

export interface PopRecent {
  /** Share of requests that missed the cache over the window. */
  missRatio: number;
  /** Share of responses that were 5xx over the window. */
  errorRatio5xx: number;
  /** Requests to the parent (origin pulls for shields) per second. */
  parentPullsPerSecond: number;
  requestsPerSecond: number;
  /** CMCD buffer-starvation signals per second. */
  starvationPerSecond: number;
}

const WINDOW_MS = 30_000;
const SAMPLE_MS = 5_000;

export class StackObserver {
  private readonly samples = new Map<string, PopSample[]>();
  private timer: ReturnType<StackParts['clock']['setInterval']> | undefined;

  constructor(
    private readonly stack: StackParts,
    private readonly tcp: TcpFaults,
    private readonly monitor: ManifestMonitor,
  ) {}

  start(): void {
    this.sample();
    this.timer = this.stack.clock.setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): void {
    this.stack.clock.clearInterval(this.timer);
  }

  private sample(): void {
    const now = this.stack.clock.now();
    for (const pop of this.stack.pops) {
      const s = pop.stats();
      const key = `${pop.cdn}/${pop.name}`;
      const list = this.samples.get(key) ?? [];
      list.push({
        atMs: now,
        requests: s.requests,
        misses: s.misses,
        errors5xx: s.responses['5xx'],
        parentRequests: s.parentRequests,
        starvation: s.cmcd.starvation,
      });
      while (list.length > 2 && list[1]!.atMs <= now - WINDOW_MS) list.shift();
      this.samples.set(key, list);
    }
  }

  /** Rates for a POP over the last ~30 s (from the oldest kept sample to now). */
  recent(cdn: string, pop: string): PopRecent {
    const p = this.stack.pops.find((x) => x.cdn === cdn && x.name === pop);
    const first = this.samples.get(`${cdn}/${pop}`)?.[0];
    const zero: PopRecent = {
      missRatio: 0,
      errorRatio5xx: 0,
      parentPullsPerSecond: 0,
      requestsPerSecond: 0,
      starvationPerSecond: 0,
    };
    if (!p || !first) return zero;
    const s = p.stats();
    const seconds = Math.max(1, (this.stack.clock.now() - first.atMs) / 1000);
    const requests = s.requests - first.requests;
    return {
      missRatio: requests > 0 ? (s.misses - first.misses) / requests : 0,
      errorRatio5xx: requests > 0 ? (s.responses['5xx'] - first.errors5xx) / requests : 0,
      parentPullsPerSecond: (s.parentRequests - first.parentRequests) / seconds,
      requestsPerSecond: requests / seconds,
      starvationPerSecond: (s.cmcd.starvation - first.starvation) / seconds,
    };
  }

  async state(): Promise<Record<string, unknown>> {
    const st = this.stack;
    const now = st.clock.now();
    const links = await st.faultProxy.proxies().catch(() => []);
    const linkState = new Map(links.map((l) => [l.name, l]));
    return {
      at: new Date(now).toISOString(),
      origin: {
        active: st.levers.origin,
        primary: st.monitors.origin.snapshot(),
        backup: st.monitors['backup-origin'].snapshot(),
      },
      packager: this.packager(now),
      cdn: st.pops.map((p) => ({
        cdn: p.cdn,
        pop: p.name,
        region: p.region,
        tier: p.tier,
        stats: p.stats(),
        recent: this.recent(p.cdn, p.name),
      })),
      manifests: this.monitor.latest(),
      drm: st.licenceStats(),
      steering: {
        ttlSeconds: st.steering.ttlSeconds,
        priorities: Object.fromEntries(st.steering.regions().map((r) => [r, st.steering.priority(r)])),
        stats: st.steering.stats(),
      },
      deploys: { versions: st.deploys.versions(), log: st.deploys.log() },
      flags: st.flags.list(),
      levers: st.levers.history(),
      faults: { http: st.faults.list(), tcp: this.tcp.list() },
      links: [...st.links.values()].map((l) => ({
        ...l,
        enabled: linkState.get(l.name)?.enabled ?? null,
        toxics: linkState.get(l.name)?.toxics ?? [],
      })),
    };
  }

  /** Packager health per channel and variant: manifest age, gaps in the window, A/V drift. */
  packager(now: number): Record<string, unknown>[] {
    const st = this.stack;
    const out: Record<string, unknown>[] = [];
    for (const ch of st.entry.channels()) {
      for (const variant of ['clear', 'enc'] as const) {
        const state = st.faults.channelState(
          ch.name,
          variant,
          st.levers.origin === 'backup' ? 'backup-origin' : 'origin',
        );
        const media = variant === 'enc' ? ch.encrypted : ch.clear;
        const video = media.description.renditions.find((r) => r.kind === 'video')!;
        const at = state?.frozenAtMs !== undefined ? Math.min(now, state.frozenAtMs) : now;
        const newest = latestAvailableNumber(video, st.timing, at);
        const t = segmentTiming(video, newest);
        const newestEndMs =
          st.timing.availabilityStartTimeMs + ((t.start + t.duration) / video.timescale) * 1000;
        let gaps = 0;
        for (let n = Math.max(0, newest - st.timing.windowSegments + 1); n <= newest; n++)
          if (state?.isGap?.(n)) gaps++;
        out.push({
          channel: ch.name,
          variant,
          manifestAgeSeconds: Math.max(0, (now - newestEndMs) / 1000),
          frozen: state?.frozenAtMs !== undefined,
          gapsInWindow: gaps,
          avDriftMs: state?.audioOffsetMs?.(newest) ?? 0,
          newestSegment: newest,
        });
      }
    }
    return out;
  }
}
