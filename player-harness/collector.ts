/**
 * The collector: a fastify server on 127.0.0.1 that receives batched session events from the
 * player pages, re-stamps them on its Clock, feeds the metric engine, writes every event to the
 * run's journal, and serves the metrics:
 *
 *   POST /beacon          {sentAt, events: SessionEvent[]} (page clock times)   → 204
 *   GET  /metrics.json    windowed metrics: ?window=60s, label filters (?region=emea&cdn=cdn-a),
 *                         ?by=<label> (one entry per value); without either: overall plus every
 *                         report slice (region, cdn, pop keyed `<cdn>/<pop>`, isp, device, player)
 *   GET  /sessions        per-session state (debugging)
 *   GET  /metrics         Prometheus exposition, names and labels from the metric catalogue:
 *                         windowed QoE gauges (overall and per slice), counters since the start,
 *                         the startup-time histogram, event and error counters
 *   GET  /events          server-sent events: `metrics` (summary every second) and `session` events
 *   GET  /player/...      the built player page (same origin as /beacon: no CORS needed)
 *
 * Journal lines: `session.<type>` for every event, `metrics.sample` every `sampleEveryMs`.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import {
  SESSION_EVENT_TYPES,
  type SessionEvent,
  SessionEventDataSchema,
  SessionLabelsSchema,
} from '../core/events.ts';
import type { JournalEvent, JournalSink } from '../core/journal.ts';
import { JOURNAL_VERSION, type JournalEventOf, sessionJournalEvent } from '../core/journal-events.ts';
import { counterFrom, gaugeFrom, type Sample } from '../core/prom.ts';
import {
  formatMetric,
  gaugeValue,
  HISTOGRAMS,
  METRICS,
  type MetricId,
  metricValue,
  PROM_SLICE_LABELS,
  type PromSliceLabel,
} from '../metrics/catalogue.ts';
import {
  type EngineOptions,
  LABEL_KEYS,
  type LabelFilter,
  type LabelKey,
  MetricEngine,
  type QoeMetrics,
} from '../metrics/engine.ts';
import { IncrementalQoe, type QoeGroup } from '../metrics/incremental.ts';

/** Slices reported in metrics.json, metrics.sample and Prometheus. */
export const REPORT_DIMENSIONS = [
  'region',
  'cdn',
  'pop',
  'isp',
  'device',
  'player',
] as const satisfies readonly LabelKey[];
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export interface MetricsReport {
  at: number;
  windowMs: number;
  overall: QoeMetrics;
  by: Record<ReportDimension, Record<string, QoeMetrics>>;
}

export interface CollectorOptions {
  clock: Clock;
  engine?: MetricEngine;
  engineOptions?: EngineOptions;
  journal?: JournalSink;
  host?: string;
  port?: number;
  /** Directory of the built player page, served under /player/. */
  pageDir?: string;
  /** Interval of `metrics.sample` journal events; 0 turns them off. Default 5 s. */
  sampleEveryMs?: number;
  /** Interval of the SSE `metrics` summary. Default 1 s. */
  liveEveryMs?: number;
  /**
   * Journal lines are held this long and written in time order, so events that arrive in batches
   * (a page sends every second) still land in the journal sorted. 0 writes at once, in arrival
   * order (tests). Default 2 s.
   */
  journalReorderMs?: number;
}

// The session labels (core/events.ts), every one bounded: beacons are untrusted input.
const labelsSchema = z.strictObject({
  ...(Object.fromEntries(LABEL_KEYS.map((k) => [k, z.string().max(128)])) as Record<LabelKey, z.ZodString>),
  variant: SessionLabelsSchema.shape.variant,
});
const eventSchema = z.object({
  sid: z.string().min(1).max(128),
  type: z.enum(SESSION_EVENT_TYPES),
  t: z.number().finite(),
  labels: labelsSchema,
  weight: z.number().positive().finite(),
  // What a journal's session event may carry (core/events.ts): nothing the journal would refuse.
  data: SessionEventDataSchema.optional(),
});
const beaconSchema = z.object({
  sentAt: z.number().finite().optional(),
  events: z.array(eventSchema).max(10_000),
});

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Parses `60s`, `2m`, `500ms`, `90` (seconds). */
export function parseWindow(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

/** Drops the bulky parts (histogram, error list) of per-slice metrics. */
function compact(
  m: QoeMetrics,
): Omit<QoeMetrics, 'errors' | 'startup'> & { startup: Omit<QoeMetrics['startup'], 'histogram'> } {
  const { errors: _e, startup, ...rest } = m;
  const { histogram: _h, ...s } = startup;
  return { ...rest, startup: s };
}

/** One line for consoles: the headline QoE figures (percent only here, where they are printed). */
export function summaryLine(m: QoeMetrics): string {
  const errors = m.errors.reduce((n, e) => n + e.events, 0);
  const v = (id: MetricId, digits?: number) => formatMetric(id, metricValue(m, id), digits);
  return [
    `viewers ${Math.round(m.viewers)} (watching ${Math.round(m.currentViewers)})`,
    `attempts ${Math.round(m.startAttempts)}`,
    `VSF ${v('video_start_failure')}`,
    `EBVS ${v('exits_before_video_start')}`,
    `startup p50 ${v('startup_time_p50')} p95 ${v('startup_time_p95')}`,
    `rebuffering now ${v('rebuffering_share')}`,
    `stalled ${v('rebuffer_ratio', 2)}`,
    `stalls ${Math.round(m.stalls)}`,
    `bitrate ${v('average_bitrate')}`,
    `errors ${errors}`,
  ].join(' | ');
}

/** A window long enough to reach back before the first event: the whole run. */
const WHOLE_RUN_MS = Number.MAX_SAFE_INTEGER;

export class Collector {
  readonly engine: MetricEngine;
  readonly app: FastifyInstance;
  readonly registry = new Registry();
  url = '';
  private readonly clock: Clock;
  private readonly journal: JournalSink | undefined;
  private readonly sseClients = new Set<(chunk: string) => void>();
  private readonly timers: ReturnType<Clock['setInterval']>[] = [];
  private readonly eventCounts = new Map<string, number>();
  private readonly errorCounts = new Map<string, { labels: Record<string, string>; n: number }>();
  private cachedReport: { at: number; report: MetricsReport } | undefined;
  private cachedSlices:
    | { at: number; overall: QoeMetrics; slices: Record<PromSliceLabel, Record<string, QoeMetrics>> }
    | undefined;
  private slicesStale = true;
  /** The same events, aggregated cumulatively per label combination: the Prometheus counters. */
  private readonly cumulative: IncrementalQoe;
  private startupHistogram: Histogram | undefined;
  private held: JournalEvent[] = [];
  /** The players' stream is journaled up to this time: a later arrival is stamped no earlier. */
  private journaledThrough = Number.NEGATIVE_INFINITY;
  private closed = false;

  private constructor(private readonly options: CollectorOptions) {
    this.clock = options.clock;
    this.journal = options.journal;
    this.engine = options.engine ?? new MetricEngine(options.engineOptions);
    this.cumulative = new IncrementalQoe({
      stuckMs: this.engine.stuckMs,
      staleMs: this.engine.staleMs,
      ebvsMinWaitMs: this.engine.ebvsMinWaitMs,
    });
    this.app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 4 * 1024 * 1024 });
    this.installMetrics();
  }

  /** Creates the collector and its routes without listening (for `inject` tests). */
  static async create(options: CollectorOptions): Promise<Collector> {
    const c = new Collector(options);
    await c.routes();
    c.startTimers();
    return c;
  }

  /** Creates the collector and listens on 127.0.0.1 (ephemeral port unless given). */
  static async start(options: CollectorOptions): Promise<Collector> {
    const c = await Collector.create(options);
    c.url = await c.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    return c;
  }

  /** URL of the player page. */
  get pageUrl(): string {
    return `${this.url}/player/index.html`;
  }

  /**
   * Ingests events. With `sentAt` (the page's clock when the batch left), each event is re-stamped
   * on this collector's clock as now − (sentAt − t), so page clocks never leak into the journal.
   */
  ingest(events: readonly SessionEvent[], sentAt?: number): number {
    const now = this.clock.now();
    for (const raw of events) {
      // A batch that arrives after its reorder horizon was written (a page stalled for seconds)
      // is stamped at that horizon, so the journal's players' stream stays in time order.
      const t = Math.max(
        this.journaledThrough,
        sentAt === undefined ? raw.t : now - Math.max(0, sentAt - raw.t),
      );
      const e: SessionEvent = { ...raw, t };
      this.engine.ingest(e);
      this.cumulative.ingest(e);
      if (e.type === 'playbackStart') this.observeStart(e);
      this.eventCounts.set(e.type, (this.eventCounts.get(e.type) ?? 0) + 1);
      const err = e.data?.error;
      if (e.type === 'playerError' && err) {
        const labels = {
          player: err.player,
          category: err.category,
          code: err.code,
          fatal: String(err.fatal),
          device: e.labels.device,
          isp: e.labels.isp,
          cdn: e.labels.cdn,
          pop: e.labels.pop,
        };
        const key = JSON.stringify(labels);
        const c = this.errorCounts.get(key) ?? { labels, n: 0 };
        c.n++;
        this.errorCounts.set(key, c);
      }
      this.journalWrite(sessionJournalEvent(e));
      if (this.sseClients.size > 0) this.broadcast('session', e);
    }
    this.cachedReport = undefined;
    this.slicesStale = true;
    return events.length;
  }

  /** A real start's startup time into the histogram, as the engine took it (once per session). */
  private observeStart(e: SessionEvent): void {
    const s = this.engine.session(e.sid);
    if (!s || s.startT !== e.t || s.startupMs === undefined || !this.startupHistogram) return;
    const labels = Object.fromEntries(PROM_SLICE_LABELS.map((k) => [k, e.labels[k]]));
    this.startupHistogram.observe(labels, s.startupMs / 1000);
  }

  /** Overall metrics and every report slice over the window ending now. */
  report(windowMs?: number): MetricsReport {
    const at = this.clock.now();
    // One scrape reads many gauges: reuse a report computed in the last 200 ms (no event since).
    if (windowMs === undefined && this.cachedReport && at - this.cachedReport.at < 200)
      return this.cachedReport.report;
    const w = windowMs ?? this.engine.windowMs;
    const by = Object.fromEntries(
      REPORT_DIMENSIONS.map((d) => [
        d,
        d === 'pop' ? this.popSlices(at, w) : this.engine.slice(d, at, { windowMs: w }),
      ]),
    ) as MetricsReport['by'];
    const report = { at, windowMs: w, overall: this.engine.snapshot(at, { windowMs: w }), by };
    if (windowMs === undefined) this.cachedReport = { at, report };
    return report;
  }

  /** POP names repeat across CDNs (cdn-a/fra, cdn-b/fra): POP slices are keyed `<cdn>/<pop>`. */
  private popSlices(at: number, windowMs: number): Record<string, QoeMetrics> {
    return Object.fromEntries(
      this.engine
        .labelCombos(['cdn', 'pop'], at, windowMs)
        .map(([cdn, pop]) => [
          `${cdn}/${pop}`,
          this.engine.snapshot(at, { windowMs, filter: { cdn: cdn!, pop: pop! } }),
        ]),
    );
  }

  /** The `metrics.sample` journal event: overall and per slice, compact. */
  sample(): JournalEventOf<'metrics.sample'> {
    const r = this.report();
    return {
      v: JOURNAL_VERSION,
      t: r.at,
      type: 'metrics.sample',
      windowMs: r.windowMs,
      // A copy as a plain object: the journal types a snapshot as values by name.
      overall: { ...r.overall },
      by: Object.fromEntries(
        Object.entries(r.by).map(([d, slices]) => [
          d,
          Object.fromEntries(Object.entries(slices).map(([k, m]) => [k, compact(m)])),
        ]),
      ),
    };
  }

  private journalWrite(e: JournalEvent): void {
    if (!this.journal) return;
    if ((this.options.journalReorderMs ?? 2000) <= 0) this.journal.write(e);
    else this.held.push(e);
  }

  /** Writes the held journal lines older than the reorder horizon (all of them with `all`), sorted by time. */
  flushJournal(all = false): void {
    if (!this.journal || this.held.length === 0) return;
    const horizon = all
      ? Number.POSITIVE_INFINITY
      : this.clock.now() - (this.options.journalReorderMs ?? 2000);
    const ready = this.held.filter((e) => e.t <= horizon);
    if (!all) this.journaledThrough = Math.max(this.journaledThrough, horizon);
    if (ready.length === 0) return;
    this.held = this.held.filter((e) => e.t > horizon);
    ready.sort((a, b) => a.t - b.t);
    for (const e of ready) this.journal.write(e);
    this.journaledThrough = Math.max(this.journaledThrough, ready.at(-1)!.t);
  }

  private broadcast(event: string, data: unknown): void {
    const chunk = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const send of this.sseClients) send(chunk);
  }

  private startTimers(): void {
    const every = this.options.sampleEveryMs ?? 5000;
    if (every > 0 && this.journal) {
      this.timers.push(
        this.clock.setInterval(() => {
          this.journalWrite(this.sample());
          this.engine.prune(this.clock.now());
        }, every),
      );
    }
    if (this.journal && (this.options.journalReorderMs ?? 2000) > 0)
      this.timers.push(this.clock.setInterval(() => this.flushJournal(), 500));
    this.timers.push(
      this.clock.setInterval(() => {
        if (this.sseClients.size === 0) return;
        const m = this.report().overall;
        this.broadcast('metrics', { at: m.at, summary: summaryLine(m), overall: compact(m) });
      }, this.options.liveEveryMs ?? 1000),
    );
  }

  /**
   * Live Prometheus metrics, named and labelled as the catalogue says (and as the Prometheus export
   * of a journal is): a windowed gauge per catalogue metric for the whole population (no labels)
   * and per slice (one slice label); a counter per additive metric since the collector started,
   * per combination of the slice labels; the startup-time histogram of real starts.
   */
  private installMetrics(): void {
    const reg = this.registry;
    const labelNames = [...PROM_SLICE_LABELS];
    for (const def of METRICS) {
      if ('gauge' in def) {
        const { name, help } = def.gauge;
        gaugeFrom(reg, name, help, labelNames, () => {
          const { overall, slices } = this.promSlices();
          const out: Sample[] = [];
          const push = (labels: Record<string, string>, m: QoeMetrics) => {
            const v = gaugeValue(def, m);
            if (v !== null && Number.isFinite(v)) out.push([labels, v]);
          };
          push({}, overall);
          for (const label of PROM_SLICE_LABELS)
            for (const [value, m] of Object.entries(slices[label])) push({ [label]: value }, m);
          return out;
        });
      }
      if ('counter' in def) {
        const { name, help } = def.counter;
        counterFrom(reg, name, help, labelNames, () =>
          this.totals().map((g): Sample => [g.labels, def.value(g.metrics) ?? 0]),
        );
      }
    }
    for (const h of HISTOGRAMS) {
      this.startupHistogram = new Histogram({
        name: h.name,
        help: h.help,
        labelNames,
        buckets: [...h.buckets],
        registers: [reg],
      });
    }
    counterFrom(
      reg,
      'streamdrill_session_events_total',
      'Session events received from real players',
      ['type'],
      () => [...this.eventCounts].map(([type, n]) => [{ type }, n]),
    );
    counterFrom(
      reg,
      'streamdrill_player_errors_total',
      'Player errors received, by player, category, code, fatal, device class, ISP, CDN and POP',
      ['player', 'category', 'code', 'fatal', 'device', 'isp', 'cdn', 'pop'],
      () => [...this.errorCounts.values()].map((c) => [c.labels, c.n]),
    );
  }

  /** The last minute overall and per Prometheus slice label (one scrape reads many gauges: reused for 200 ms). */
  private promSlices(): { overall: QoeMetrics; slices: Record<PromSliceLabel, Record<string, QoeMetrics>> } {
    const at = this.clock.now();
    if (this.cachedSlices && at - this.cachedSlices.at < 200 && !this.slicesStale) return this.cachedSlices;
    const windowMs = this.engine.windowMs;
    const slices = Object.fromEntries(
      PROM_SLICE_LABELS.map((label) => [label, this.engine.slice(label, at, { windowMs })]),
    ) as Record<PromSliceLabel, Record<string, QoeMetrics>>;
    this.cachedSlices = { at, overall: this.engine.snapshot(at, { windowMs }), slices };
    this.slicesStale = false;
    return this.cachedSlices;
  }

  /** Every additive figure since the collector started, per combination of the slice labels. */
  private totals(): QoeGroup[] {
    const at = Math.max(this.clock.now(), this.cumulative.latest);
    return this.cumulative.groups(at, WHOLE_RUN_MS, {}, PROM_SLICE_LABELS);
  }

  private async routes(): Promise<void> {
    const app = this.app;
    app.post('/beacon', async (req, reply) => {
      let body: unknown = req.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          return reply.code(400).send({ error: 'body is not JSON' });
        }
      }
      const parsed = beaconSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply
          .code(400)
          .send({ error: `bad beacon: ${issue.path.join('.') || '(root)'}: ${issue.message}` });
      }
      this.ingest(parsed.data.events as SessionEvent[], parsed.data.sentAt);
      return reply.code(204).send();
    });
    // sendBeacon may post text/plain
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    app.get('/metrics.json', async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const windowMs = q.window === undefined ? undefined : parseWindow(q.window);
      if (q.window !== undefined && windowMs === undefined)
        return reply
          .code(400)
          .send({ error: `window: expected a duration like 60s or 2m, got ${JSON.stringify(q.window)}` });
      const filter: LabelFilter = {};
      for (const k of LABEL_KEYS) if (q[k] !== undefined) filter[k] = q[k]!.split(',');
      const by = q.by;
      if (by !== undefined && !(LABEL_KEYS as readonly string[]).includes(by))
        return reply
          .code(400)
          .send({ error: `by: expected one of ${LABEL_KEYS.join(', ')}, got ${JSON.stringify(by)}` });
      const at = this.clock.now();
      const w = windowMs ?? this.engine.windowMs;
      if (by)
        return {
          at,
          windowMs: w,
          filter,
          by,
          slices: this.engine.slice(by as LabelKey, at, { windowMs: w, filter }),
        };
      if (Object.keys(filter).length > 0)
        return { at, windowMs: w, filter, metrics: this.engine.snapshot(at, { windowMs: w, filter }) };
      return this.report(windowMs);
    });

    app.get('/sessions', async () => this.engine.sessions());

    app.get('/metrics', async (_req, reply) =>
      reply.type(this.registry.contentType).send(await this.registry.metrics()),
    );

    app.get('/events', (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'access-control-allow-origin': '*',
      });
      const m = this.report().overall;
      res.write(
        `event: metrics\ndata: ${JSON.stringify({ at: m.at, summary: summaryLine(m), overall: compact(m) })}\n\n`,
      );
      const send = (chunk: string) => res.write(chunk);
      this.sseClients.add(send);
      req.raw.on('close', () => this.sseClients.delete(send));
    });

    const pageDir = this.options.pageDir;
    app.get('/player/*', async (req, reply) => {
      if (!pageDir) return reply.code(404).send({ error: 'no player page configured' });
      const rel = normalize((req.params as { '*': string })['*'] || 'index.html');
      if (rel.startsWith('..') || rel.includes(`${sep}..`))
        return reply.code(400).send({ error: 'bad path' });
      try {
        const data = await readFile(join(pageDir, rel));
        return reply
          .type(CONTENT_TYPES[extname(rel)] ?? 'application/octet-stream')
          .header('cache-control', rel.endsWith('.html') ? 'no-cache' : 'public, max-age=3600')
          .send(data);
      } catch {
        return reply.code(404).send({ error: `no such file: ${rel}` });
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) this.clock.clearInterval(t);
    this.flushJournal(true);
    this.sseClients.clear();
    await this.app.close();
  }
}
