/**
 * The seven war-room dashboards, live, in the playbook's order. Player-side views (POP QoE, error
 * codes, ISP × CDN, licence and manifest timings) come from the QoE engine in both modes; the
 * server-side views come from the real stack's counters in a real drill, and from the population
 * model's own state (origin queues, the packager's channel state) in a virtual replay.
 * What a dashboard cannot know in a mode is said in its notes, never invented.
 */

import { metricValue } from '../metrics/catalogue.ts';
import type { LabelKey, QoeMetrics } from '../metrics/engine.ts';
import type { QoeSource } from '../metrics/incremental.ts';
import type { Stack } from '../origin-stub/stack.ts';
import type { PopulationSimulator } from '../simulator/simulator.ts';
import {
  DASHBOARD_IDS,
  DASHBOARD_NAMES,
  type Dashboard,
  type DashboardId,
  type DashboardSummary,
  type DashboardTable,
} from './api.ts';

const WINDOW_MS = 60_000;
/** Share of viewers rebuffering that marks a slice unhealthy (the page line) or worth a look. */
const BAD = 0.05;
const WARN = 0.03;

export interface DashboardSource {
  get(id: DashboardId): Promise<Dashboard>;
  list(): Promise<DashboardSummary[]>;
}

/** The seven, in order: each source says how to build one; the tiles are their summaries. */
abstract class SevenDashboards implements DashboardSource {
  abstract get(id: DashboardId): Promise<Dashboard>;

  async list(): Promise<DashboardSummary[]> {
    const out: DashboardSummary[] = [];
    for (const id of DASHBOARD_IDS) {
      const d = await this.get(id);
      out.push({ id: d.id, name: d.name, status: d.status, headline: d.headline });
    }
    return out;
  }
}

const pct = (v: number | null | undefined, d = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(d)}%`;
const num = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
const share = (m: QoeMetrics) => metricValue(m, 'rebuffering_share') ?? 0;
const worst = (...s: Dashboard['status'][]): Dashboard['status'] =>
  s.includes('bad') ? 'bad' : s.includes('warn') ? 'warn' : 'ok';
const level = (v: number, warn: number, bad: number): Dashboard['status'] =>
  v >= bad ? 'bad' : v >= warn ? 'warn' : 'ok';

function table(
  caption: string,
  columns: string[],
  rows: (string | number)[][],
  hot: number[] = [],
): DashboardTable {
  return { caption, columns, rows, hot };
}

/** Player-side dashboards shared by both modes. */
class EngineViews {
  constructor(
    private readonly engine: QoeSource,
    private readonly now: () => number,
  ) {}

  snap(filter: Partial<Record<LabelKey, string>> = {}): QoeMetrics {
    return this.engine.snapshot(this.now(), { windowMs: WINDOW_MS, filter });
  }

  values(key: LabelKey): string[] {
    return this.engine.labelValues(key, this.now(), WINDOW_MS).sort();
  }

  /** QoE per POP as players see it (CMCD-like: what the edge's clients experience). */
  popQoe(): { rows: (string | number)[][]; hot: number[]; worstShare: number } {
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    let worstShare = 0;
    for (const cdn of this.values('cdn')) {
      for (const pop of this.values('pop')) {
        const m = this.snap({ cdn, pop });
        if (m.currentViewers === 0 && m.startAttempts === 0) continue;
        const s = share(m);
        worstShare = Math.max(worstShare, s);
        if (s >= BAD) hot.push(rows.length);
        rows.push([
          cdn,
          pop,
          num(m.currentViewers),
          pct(s),
          pct(metricValue(m, 'rebuffer_ratio') ?? 0, 2),
          m.errors.reduce((n, e) => n + e.count, 0).toFixed(0),
        ]);
      }
    }
    return { rows, hot, worstShare };
  }

  errors(): Dashboard {
    const m = this.snap();
    const byCode = new Map<string, { count: number; fatal: boolean; where: Map<string, number> }>();
    for (const e of m.errors) {
      const key = `${e.player} ${e.playerVersion} · ${e.category}/${e.code}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ''}`;
      const rec = byCode.get(key) ?? { count: 0, fatal: false, where: new Map() };
      rec.count += e.count;
      rec.fatal ||= e.fatal;
      const where = `${e.cdn}/${e.pop} ${e.device}`;
      rec.where.set(where, (rec.where.get(where) ?? 0) + e.count);
      byCode.set(key, rec);
    }
    const entries = [...byCode.entries()].sort((a, b) => b[1].count - a[1].count);
    const total = entries.reduce((n, [, r]) => n + r.count, 0);
    const perViewer = m.currentViewers > 0 ? total / m.currentViewers : 0;
    const rows = entries.map(([k, r]) => {
      const top = [...r.where.entries()].sort((a, b) => b[1] - a[1])[0];
      return [
        k,
        num(r.count),
        pct(total > 0 ? r.count / total : 0),
        r.fatal ? 'fatal' : 'recovered',
        top ? top[0] : '–',
      ];
    });
    const fatal = entries.filter(([, r]) => r.fatal).reduce((n, [, r]) => n + r.count, 0);
    const status = worst(
      level(perViewer, 0.01, 0.05),
      fatal > 0 && m.currentViewers > 0 && fatal / m.currentViewers > 0.01 ? 'bad' : 'ok',
    );
    return {
      id: 'player-errors',
      name: DASHBOARD_NAMES['player-errors'],
      status,
      headline:
        total === 0
          ? 'no player errors in the last minute'
          : `${num(total)} errors in the last minute, top: ${entries[0]![0]}`,
      tables: [
        table(
          'Error codes, last minute (weighted to the population)',
          ['player · error', 'count', 'share', 'kind', 'most seen at'],
          rows,
          rows.flatMap((r, i) => (r[3] === 'fatal' ? [i] : [])),
        ),
      ],
      notes: [
        'Grouped by player, version and error code; the "most seen at" column is the CDN/POP and device class where the code is most frequent.',
      ],
    };
  }

  ispCdn(): Dashboard {
    const isps = this.values('isp');
    const cdns = this.values('cdn');
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    let worstShare = 0;
    let worstCell = '';
    for (const isp of isps) {
      const row: (string | number)[] = [isp];
      let rowHot = false;
      for (const cdn of cdns) {
        const m = this.snap({ isp, cdn });
        const s = share(m);
        if (s > worstShare && m.currentViewers > 0) {
          worstShare = s;
          worstCell = `${isp} × ${cdn}`;
        }
        if (s >= BAD) rowHot = true;
        row.push(m.currentViewers > 0 ? `${pct(s)} of ${num(m.currentViewers)}` : '–');
      }
      if (rowHot) hot.push(rows.length);
      rows.push(row);
    }
    const regionRows: (string | number)[][] = [];
    const regionHot: number[] = [];
    for (const region of this.values('region')) {
      const row: (string | number)[] = [region];
      let rowHot = false;
      for (const cdn of cdns) {
        const m = this.snap({ region, cdn });
        if (share(m) >= BAD) rowHot = true;
        row.push(m.currentViewers > 0 ? `${pct(share(m))} of ${num(m.currentViewers)}` : '–');
      }
      if (rowHot) regionHot.push(regionRows.length);
      regionRows.push(row);
    }
    return {
      id: 'isp-cdn',
      name: DASHBOARD_NAMES['isp-cdn'],
      status: level(worstShare, WARN, BAD),
      headline: worstCell ? `worst cell ${worstCell}: ${pct(worstShare)} rebuffering` : 'no viewers yet',
      tables: [
        table('Share of viewers rebuffering, ISP × CDN (last minute)', ['ISP', ...cdns], rows, hot),
        table('Share of viewers rebuffering, region × CDN', ['region', ...cdns], regionRows, regionHot),
      ],
      notes: [
        'A problem on one CDN across ISPs points at the CDN; on one ISP across CDNs at the ISP or its peering.',
      ],
    };
  }

  drmPlayerSide(): {
    rows: (string | number)[][];
    hot: number[];
    status: Dashboard['status'];
    p50: number | null;
  } {
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    const all = this.snap();
    for (const drm of this.values('drm')) {
      const m = this.snap({ drm });
      const licenceErrors = m.errors.filter((e) => /drm|licen[cs]e|key/i.test(`${e.category} ${e.code}`));
      const n = licenceErrors.reduce((s, e) => s + e.count, 0);
      const vsf = metricValue(m, 'video_start_failure') ?? 0;
      const st = worst(level(vsf, 0.02, 0.05), level(m.licenceP50Ms ?? 0, 1000, 3000));
      status = worst(status, st);
      if (st !== 'ok') hot.push(rows.length);
      rows.push([drm, num(m.startAttempts), pct(vsf), ms(m.licenceP50Ms), num(n)]);
    }
    return { rows, hot, status, p50: all.licenceP50Ms };
  }

  manifestPlayerSide(): { rows: (string | number)[][]; hot: number[]; status: Dashboard['status'] } {
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    for (const cdn of this.values('cdn')) {
      for (const channel of this.values('channel')) {
        const m = this.snap({ cdn, channel });
        const manifestErrors = m.errors.filter((e) =>
          /manifest|playlist|level|parsing/i.test(`${e.category} ${e.code}`),
        );
        const n = manifestErrors.reduce((s, e) => s + e.count, 0);
        const st = m.currentViewers > 0 ? level(n / m.currentViewers, 0.01, 0.05) : 'ok';
        status = worst(status, st);
        if (st !== 'ok') hot.push(rows.length);
        rows.push([channel, cdn, num(m.currentViewers), ms(m.manifestP50Ms), num(n)]);
      }
    }
    return { rows, hot, status };
  }
}

/** The seven dashboards of a real drill: the stack's own counters plus the players' view. */
export class RealDashboards extends SevenDashboards {
  private readonly views: EngineViews;
  private originSamples: { at: number; counters: Record<string, { requests: number; errors: number }> }[] =
    [];

  constructor(
    private readonly stack: Stack,
    engine: QoeSource,
  ) {
    super();
    this.views = new EngineViews(engine, () => stack.clock.now());
  }

  async get(id: DashboardId): Promise<Dashboard> {
    switch (id) {
      case 'origin':
        return this.origin();
      case 'packager':
        return this.packager();
      case 'cdn-edge':
        return this.cdnEdge();
      case 'manifest':
        return this.manifest();
      case 'drm':
        return this.drm();
      case 'player-errors':
        return this.views.errors();
      case 'isp-cdn':
        return this.views.ispCdn();
    }
  }

  private origin(): Dashboard {
    const st = this.stack;
    const now = st.clock.now();
    const counters: Record<string, { requests: number; errors: number }> = {};
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    // Error rate over the last ~30 s, from counter samples taken whenever the dashboard is read.
    this.originSamples = this.originSamples.filter((s) => s.at >= now - 60_000);
    const base = this.originSamples.find((s) => s.at <= now - 10_000) ?? this.originSamples[0];
    let status: Dashboard['status'] = 'ok';
    for (const name of ['origin', 'backup-origin'] as const) {
      const snap = st.monitors[name].snapshot();
      const requests = Object.values(snap.byKind).reduce((n, k) => n + k.requests, 0);
      const errors = Object.values(snap.byKind).reduce((n, k) => n + k.errors5xx, 0);
      counters[name] = { requests, errors };
      const prev = base?.counters[name];
      const dReq = prev ? requests - prev.requests : requests;
      const dErr = prev ? errors - prev.errors : errors;
      const rate = dReq > 0 ? dErr / dReq : 0;
      const seconds = base ? Math.max(1, (now - base.at) / 1000) : 0;
      const mean =
        snap.segmentLatency.count > 0 ? snap.segmentLatency.sumMs / snap.segmentLatency.count : null;
      const active = (st.levers.origin === 'backup') === (name === 'backup-origin');
      const s = level(rate, 0.01, 0.05);
      if (active) status = worst(status, s);
      if (s !== 'ok') hot.push(rows.length);
      rows.push([
        name,
        active ? 'serving' : 'standby',
        seconds > 0 ? num(dReq / seconds, 1) : '–',
        pct(rate, 2),
        ms(mean),
        num(snap.inFlight),
        num(snap.queued),
      ]);
    }
    this.originSamples.push({ at: now, counters });
    return {
      id: 'origin',
      name: DASHBOARD_NAMES.origin,
      status,
      headline: `serving from ${st.levers.origin === 'backup' ? 'the backup origin' : 'the primary origin'}; 5xx ${rows.map((r) => `${r[0]} ${r[3]}`).join(', ')}`,
      tables: [
        table(
          'Origins (rates over the last ~30 s)',
          ['origin', 'role', 'req/s', '5xx', 'mean segment time', 'in flight', 'queued'],
          rows,
          hot,
        ),
      ],
      notes: [
        'Requests reach the origins only from the CDN shields (cache misses); a miss storm shows here as queueing.',
      ],
    };
  }

  private packager(): Dashboard {
    const rows = this.stack.observer.packager(this.stack.clock.now());
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    const out = rows.map((r, i) => {
      const age = Number(r.manifestAgeSeconds);
      const s = worst(
        r.frozen ? 'bad' : level(age, 8, 16),
        Number(r.gapsInWindow) > 0 ? 'bad' : 'ok',
        Math.abs(Number(r.avDriftMs)) > 200 ? 'warn' : 'ok',
      );
      status = worst(status, s);
      if (s !== 'ok') hot.push(i);
      return [
        String(r.channel),
        String(r.variant),
        `${age.toFixed(1)} s`,
        r.frozen ? 'FROZEN' : 'advancing',
        Number(r.gapsInWindow),
        `${Number(r.avDriftMs)} ms`,
        Number(r.newestSegment),
      ];
    });
    return {
      id: 'packager',
      name: DASHBOARD_NAMES.packager,
      status,
      headline:
        status === 'ok' ? 'every channel advancing, no gaps' : `${hot.length} channel variant(s) unhealthy`,
      tables: [
        table(
          'Live packager output per channel',
          [
            'channel',
            'variant',
            'newest segment age',
            'state',
            'gaps in window',
            'A/V drift',
            'newest segment',
          ],
          out,
          hot,
        ),
      ],
      notes: [],
    };
  }

  private cdnEdge(): Dashboard {
    const st = this.stack;
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    for (const p of st.pops) {
      const r = st.observer.recent(p.cdn, p.name);
      const s = worst(
        level(r.errorRatio5xx, 0.01, 0.05),
        p.tier === 'edge' ? level(r.starvationPerSecond, 0.2, 1) : 'ok',
      );
      status = worst(status, s);
      if (s !== 'ok') hot.push(rows.length);
      rows.push([
        p.cdn,
        p.name,
        p.region,
        p.tier,
        num(r.requestsPerSecond, 1),
        pct(r.missRatio),
        pct(r.errorRatio5xx, 2),
        num(r.parentPullsPerSecond, 1),
        num(r.starvationPerSecond, 2),
      ]);
    }
    const q = this.views.popQoe();
    return {
      id: 'cdn-edge',
      name: DASHBOARD_NAMES['cdn-edge'],
      status: worst(status, level(q.worstShare, WARN, BAD)),
      headline:
        hot.length === 0
          ? 'all POPs healthy'
          : `${hot.length} POP tier(s) unhealthy: ${hot.map((i) => `${rows[i]![0]}/${rows[i]![1]} ${rows[i]![3]}`).join(', ')}`,
      tables: [
        table(
          'POPs (last ~30 s)',
          [
            'CDN',
            'POP',
            'region',
            'tier',
            'req/s',
            'cache miss',
            '5xx',
            'parent pulls/s',
            'CMCD starvation/s',
          ],
          rows,
          hot,
        ),
        table(
          "Players' view per POP (last minute)",
          ['CDN', 'POP', 'viewers', 'rebuffering', 'rebuffer ratio', 'errors'],
          q.rows,
          q.hot,
        ),
      ],
      notes: ['CMCD starvation: players reporting buffer starvation in their requests to the edge.'],
    };
  }

  private manifest(): Dashboard {
    const checks = this.stack.manifestMonitor.latest();
    const now = this.stack.clock.now();
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    const rows = checks.map((c, i) => {
      const stale = c.lastAdvanceMs !== null ? (now - c.lastAdvanceMs) / 1000 : null;
      const s = worst(
        c.status !== 200 || !c.parses ? 'bad' : 'ok',
        c.segmentReachable === false ? 'bad' : 'ok',
        stale !== null && stale > 12 ? 'bad' : 'ok',
      );
      status = worst(status, s);
      if (s !== 'ok') hot.push(i);
      return [
        c.channel,
        c.cdn,
        c.protocol,
        c.status ?? 'no answer',
        c.parses ? 'yes' : 'NO',
        c.advancing === null ? '–' : c.advancing ? 'yes' : 'NO',
        stale === null ? '–' : `${stale.toFixed(0)} s`,
        c.segmentReachable === null ? '–' : c.segmentReachable ? 'yes' : 'NO',
      ];
    });
    const player = this.views.manifestPlayerSide();
    return {
      id: 'manifest',
      name: DASHBOARD_NAMES.manifest,
      status: worst(status, player.status),
      headline:
        hot.length === 0
          ? `${checks.length} manifests valid and advancing`
          : `${hot.length} manifest check(s) failing`,
      tables: [
        table(
          'Synthetic manifest checks through each CDN',
          [
            'channel',
            'CDN',
            'protocol',
            'HTTP',
            'parses',
            'advancing',
            'since last advance',
            'newest segment reachable',
          ],
          rows,
          hot,
        ),
        table(
          "Players' manifest loads (last minute)",
          ['channel', 'CDN', 'viewers', 'manifest p50', 'manifest errors'],
          player.rows,
          player.hot,
        ),
      ],
      notes: [],
    };
  }

  private drm(): Dashboard {
    const stats = this.stack.licenceStats();
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    for (const [label, s] of Object.entries(stats)) {
      const total = s.issued + s.errors;
      const rate = total > 0 ? s.errors / total : 0;
      const st = level(rate, 0.01, 0.05);
      status = worst(status, st);
      if (st !== 'ok') hot.push(rows.length);
      const codes =
        Object.entries(s.errorsByStatus)
          .map(([k, v]) => `${k}×${v}`)
          .join(' ') || '–';
      rows.push([
        label,
        num(s.issued),
        num(s.errors),
        pct(rate, 2),
        codes,
        s.latency.count > 0 ? ms(s.latency.totalMs / s.latency.count) : '–',
        ms(s.latency.maxMs),
      ]);
    }
    const player = this.views.drmPlayerSide();
    return {
      id: 'drm',
      name: DASHBOARD_NAMES.drm,
      status: worst(status, player.status),
      headline: `licence p50 as players see it ${ms(player.p50)}; server errors ${rows.map((r) => `${r[0]} ${r[3]}`).join(', ') || 'none'}`,
      tables: [
        table(
          'Licence server per DRM system (since start)',
          ['DRM', 'issued', 'errors', 'error rate', 'by status', 'mean latency', 'max latency'],
          rows,
          hot,
        ),
        table(
          "Players' licence requests (last minute)",
          ['DRM', 'start attempts', 'start failures', 'licence p50', 'licence errors'],
          player.rows,
          player.hot,
        ),
      ],
      notes: [
        'The DRM systems are labels over one ClearKey licence server (streamdrill cannot run Widevine, PlayReady or FairPlay).',
      ],
    };
  }
}

/** The seven dashboards of a virtual replay: the model's state plus the model players' view. */
export class VirtualDashboards extends SevenDashboards {
  private readonly views: EngineViews;

  constructor(
    private readonly sim: PopulationSimulator,
    engine: QoeSource,
    private readonly channels: string[],
  ) {
    super();
    this.views = new EngineViews(engine, () => sim.stack.clock.now());
  }

  async get(id: DashboardId): Promise<Dashboard> {
    switch (id) {
      case 'origin':
        return this.origin();
      case 'packager':
        return this.packager();
      case 'cdn-edge': {
        const q = this.views.popQoe();
        return {
          id,
          name: DASHBOARD_NAMES[id],
          status: level(q.worstShare, WARN, BAD),
          headline:
            q.hot.length === 0
              ? 'all POPs healthy'
              : `${q.hot.length} POP(s) with viewers rebuffering over 5%: ${q.hot.map((i) => `${q.rows[i]![0]}/${q.rows[i]![1]}`).join(', ')}`,
          tables: [
            table(
              'Players per POP (last minute)',
              ['CDN', 'POP', 'viewers', 'rebuffering', 'rebuffer ratio', 'errors'],
              q.rows,
              q.hot,
            ),
          ],
          notes: [
            'Virtual replay: POP health as the modelled players experience it (no per-request edge logs in the model).',
          ],
        };
      }
      case 'manifest': {
        const p = this.views.manifestPlayerSide();
        return {
          id,
          name: DASHBOARD_NAMES[id],
          status: p.status,
          headline:
            p.hot.length === 0
              ? 'manifest loads healthy'
              : `${p.hot.length} channel/CDN pair(s) with manifest errors`,
          tables: [
            table(
              "Players' manifest loads (last minute)",
              ['channel', 'CDN', 'viewers', 'manifest p50', 'manifest errors'],
              p.rows,
              p.hot,
            ),
          ],
          notes: ['Virtual replay: manifest validity as the modelled players see it.'],
        };
      }
      case 'drm': {
        const p = this.views.drmPlayerSide();
        return {
          id,
          name: DASHBOARD_NAMES[id],
          status: p.status,
          headline: `licence p50 ${ms(p.p50)}`,
          tables: [
            table(
              "Players' licence requests (last minute)",
              ['DRM', 'start attempts', 'start failures', 'licence p50', 'licence errors'],
              p.rows,
              p.hot,
            ),
          ],
          notes: ['The DRM systems are labels over one ClearKey licence model.'],
        };
      }
      case 'player-errors':
        return this.views.errors();
      case 'isp-cdn':
        return this.views.ispCdn();
    }
  }

  private origin(): Dashboard {
    const stats = this.sim.stats();
    const active = this.sim.stack.origin;
    const hot: number[] = [];
    let status: Dashboard['status'] = 'ok';
    const rows = stats.origins.map((o, i) => {
      const s = worst(level(o.utilisation, 0.8, 1), level(o.waitMs, 500, 2000));
      status = worst(status, s);
      if (s !== 'ok') hot.push(i);
      return [o.name, num(o.capacityPerS), pct(o.utilisation), num(o.backlog), ms(o.waitMs)];
    });
    return {
      id: 'origin',
      name: DASHBOARD_NAMES.origin,
      status,
      headline: `serving from the ${active} origin; utilisation ${rows.map((r) => `${r[0]} ${r[2]}`).join(', ')}`,
      tables: [
        table(
          'Origin pull queues (model)',
          ['origin', 'capacity pulls/s', 'utilisation', 'backlog', 'queue wait'],
          rows,
          hot,
        ),
      ],
      notes: ['Virtual replay: the origin as the model runs it (shield cache misses queue at the origin).'],
    };
  }

  private packager(): Dashboard {
    const stack = this.sim.stack;
    const rows: (string | number)[][] = [];
    const hot: number[] = [];
    const component = stack.origin === 'backup' ? 'backup-origin' : 'origin';
    for (const channel of this.channels) {
      for (const variant of ['clear', 'enc'] as const) {
        const state = stack.faults.channelState(channel, variant, component);
        const frozen = state?.frozenAtMs !== undefined;
        const gaps = state?.isGap !== undefined;
        if (frozen || gaps) hot.push(rows.length);
        rows.push([channel, variant, frozen ? 'FROZEN' : 'advancing', gaps ? 'gaps' : 'none']);
      }
    }
    return {
      id: 'packager',
      name: DASHBOARD_NAMES.packager,
      status: hot.length > 0 ? 'bad' : 'ok',
      headline:
        hot.length === 0 ? 'every channel advancing, no gaps' : `${hot.length} channel variant(s) unhealthy`,
      tables: [
        table(
          'Live packager output per channel (model)',
          ['channel', 'variant', 'state', 'segment gaps'],
          rows,
          hot,
        ),
      ],
      notes: [],
    };
  }
}
