/**
 * A CDN POP of the stub stack: an edge (one listening port per ISP, so the POP knows a viewer's
 * ISP from the port it was reached on) or a shield, with a real cache in front of its parent.
 *
 * Per client request: parse the path (`/d/<deviceClass>` prefix stripped), derive RequestFacts,
 * ask the fault registry once, apply the effects (hang, delay, status, then cache lookup,
 * coalesced parent pull, then on the way out the faults' headers and body rewrite), count everything.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, TimerHandle } from '../../core/clock.ts';
import type { FaultRegistry } from '../../faults/registry.ts';
import type { RequestEffects } from '../../faults/types.ts';
import { DEFAULT_CACHE_BYTES, LruCache, type StoredHeaders, varyNames, varySuffix } from './cache.ts';
import { isPrivateOrNoStore, sharedTtlMs } from './cache-control.ts';
import { type CmcdSession, CmcdTracker } from './cmcd.ts';
import { DEFAULT_PARENT_TIMEOUT_MS, endToEndHeaders, ParentFetcher, type ParentResult } from './parent.ts';
import { cacheKey, isLabel, type ParsedRequest, parseRequestTarget, requestFacts } from './request-facts.ts';
import { newCounters, type PopStats, snapshot, statusClass } from './stats.ts';

export type { PopStats } from './stats.ts';

export interface PopOptions {
  /** 'cdn-a' | 'cdn-b' */
  cdn: string;
  /** POP code: 'fra', 'ams', 'par', 'iad', 'sjc'; shields e.g. 'shield-emea'. */
  name: string;
  /** 'emea' | 'na' */
  region: string;
  tier: 'edge' | 'shield';
  clock: Clock;
  /** Asked once per client request with RequestFacts. */
  faults: FaultRegistry;
  /** Base URL of the parent (shield or origin), read per request so a lever can switch it. */
  parent: () => string;
  /** Edge only: one listening port per ISP. */
  isps?: string[];
  /** Cache capacity in bytes, default 256 MiB, least recently used evicted first. */
  cacheBytes?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A parent pull slower than this (Clock ms) is aborted and answered 504. Default 10 000. */
  parentTimeoutMs?: number;
}

export interface Pop {
  readonly cdn: string;
  readonly name: string;
  readonly region: string;
  readonly tier: 'edge' | 'shield';
  /** Port per ISP for edges (isp -> port); for shields (and edges without ISPs) a single entry under ''. */
  readonly ports: ReadonlyMap<string, number>;
  /** e.g. http://127.0.0.1:PORT; without an ISP, the first port. Throws for an ISP the POP does not serve. */
  url(isp?: string): string;
  /** Cumulative counters, cheap to call often. */
  stats(): PopStats;
  /** CMCD sessions seen in the last 30 s with their latest buffer length (edges only; shields see none). */
  cmcdSessions(): CmcdSession[];
  /** Empties the cache. */
  purge(): void;
  /** Closes listeners, aborts in-flight parent requests, releases hung requests; no handles left. */
  close(): Promise<void>;
}

/** What a pull leaves for the requests coalesced onto it. */
interface PullOutcome {
  result: ParentResult;
  /** Request headers the pull was made with (to check Vary for followers). */
  upstream: StoredHeaders;
  /** False when the response must not go to another client (private, no-store, Vary: *). */
  shareable: boolean;
}

const PLAIN = 'text/plain; charset=utf-8';

export async function startPop(opts: PopOptions): Promise<Pop> {
  const { cdn, name, region, tier, clock, faults } = opts;
  if (tier !== 'edge' && tier !== 'shield') throw new Error(`tier must be 'edge' or 'shield', got '${tier}'`);
  const isps = tier === 'edge' ? (opts.isps ?? []) : [];
  if (tier === 'shield' && opts.isps?.length) throw new Error(`shield ${name}: isps are for edges only`);
  if (new Set(isps).size !== isps.length || isps.some((i) => !isLabel(i))) {
    throw new Error(
      `edge ${name}: ISP names must be distinct labels ([A-Za-z0-9_.-]), got ${JSON.stringify(isps)}`,
    );
  }
  const host = opts.host ?? '127.0.0.1';
  const servedBy = `${cdn}/${name}`;
  const cache = new LruCache(opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const parent = new ParentFetcher(clock, opts.parentTimeoutMs ?? DEFAULT_PARENT_TIMEOUT_MS);
  const cmcd = new CmcdTracker(clock);
  const counters = newCounters();
  const inflight = new Map<string, Promise<PullOutcome>>();
  /** Releases for requests held by a delay or a hang, run on close. */
  const held = new Set<() => void>();
  let closing = false;

  const write = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: StoredHeaders,
    body: Buffer,
  ) => {
    if (res.destroyed || res.headersSent || closing) return;
    const cls = statusClass(status);
    if (cls) counters.responses[cls]++;
    if (status !== 204 && status !== 304) headers['content-length'] = String(body.length);
    headers['x-served-by'] = servedBy;
    headers['access-control-allow-origin'] ??= '*';
    headers['access-control-expose-headers'] ??= 'x-cache, x-served-by, age';
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
    } else {
      res.end(body);
      counters.bytesSent += body.length;
    }
  };

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    message: string,
    extra: StoredHeaders = {},
  ) =>
    write(
      req,
      res,
      status,
      { 'content-type': PLAIN, 'cache-control': 'no-store', ...extra },
      Buffer.from(`${message}\n`),
    );

  /** Resolves true after `ms` on the Clock, false if the client left or the POP closed first. */
  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      let settled = false;
      const done = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        held.delete(release);
        res.off('close', gone);
        resolve(ok);
      };
      const release = () => {
        res.destroy();
        done(false);
      };
      const gone = () => done(false);
      held.add(release);
      res.once('close', gone);
      timer = clock.setTimeout(() => done(true), ms);
    });

  /** Never answers: the request is held until the client disconnects or the POP closes. */
  const hang = (res: ServerResponse) => {
    const release = () => res.destroy();
    held.add(release);
    res.once('close', () => held.delete(release));
  };

  const upstreamHeaders = (
    req: IncomingMessage,
    deviceClass: string | undefined,
    isp: string | undefined,
  ) => {
    const up = endToEndHeaders(req.headers);
    // Caches pull whole objects: no ranges or validators from one viewer.
    for (const h of ['host', 'range', 'if-range', 'if-none-match', 'if-modified-since', 'content-length'])
      delete up[h];
    if (tier === 'edge') {
      if (deviceClass !== undefined) up['x-sd-device-class'] = deviceClass;
      else delete up['x-sd-device-class'];
      if (isp !== undefined) up['x-sd-isp'] = isp;
      else delete up['x-sd-isp'];
      up['x-sd-region'] = region;
    }
    return up; // a shield forwards the x-sd-* headers it received, unchanged
  };

  const pull = (
    key: string,
    r: ParsedRequest,
    upstream: StoredHeaders,
    coalesce: boolean,
  ): Promise<PullOutcome> => {
    counters.parentRequests++;
    let base: string;
    try {
      base = opts.parent();
    } catch {
      base = '';
    }
    const p = parent
      .fetch(base, r.query ? `${r.path}?${r.query}` : r.path, upstream)
      .then((result): PullOutcome => {
        if (!result.ok) {
          if (result.reason !== 'closed') counters.parentErrors[result.status]++;
          return { result, upstream, shareable: true };
        }
        const lat = counters.parentLatencyMs;
        lat.count++;
        lat.sum += result.latencyMs;
        lat.max = Math.max(lat.max, result.latencyMs);
        const cc = result.headers['cache-control'];
        const names = varyNames(result.headers.vary);
        const age = Number.parseInt(String(result.headers.age ?? '0'), 10);
        const ageS = Number.isFinite(age) && age > 0 ? age : 0;
        const ttl = result.status === 200 ? sharedTtlMs(cc, ageS) : undefined;
        if (ttl !== undefined && !closing) {
          const now = clock.now();
          const stored = cache.store(key, upstream, {
            status: result.status,
            headers: result.headers,
            body: result.body,
            storedAtMs: now,
            expiresAtMs: now + ttl,
            ageAtStoreS: ageS,
          });
          if (stored) counters.cacheStores++;
        }
        return { result, upstream, shareable: !isPrivateOrNoStore(cc) && !names.includes('*') };
      });
    if (coalesce) {
      inflight.set(key, p);
      void p.finally(() => {
        if (inflight.get(key) === p) inflight.delete(key);
      });
    }
    return p;
  };

  /** Sends a parent response or a cached object, with the effects that change what leaves the POP. */
  const deliver = (
    req: IncomingMessage,
    res: ServerResponse,
    effects: RequestEffects,
    from: { status: number; headers: StoredHeaders; body: Buffer },
    extra: StoredHeaders,
  ) => {
    const headers: StoredHeaders = { ...from.headers, ...extra, ...effects.headers };
    let body = from.body;
    // Rewritten on the way out only: the cached copy stays good for requests the fault misses.
    if (effects.rewrite && from.status === 200)
      body = Buffer.from(effects.rewrite(body.toString('utf8')), 'utf8');
    write(req, res, from.status, headers, body);
  };

  const servePulled = (
    req: IncomingMessage,
    res: ServerResponse,
    effects: RequestEffects,
    result: ParentResult,
  ) => {
    if (!result.ok) return answer(req, res, result.status, result.message, { 'x-cache': 'MISS' });
    deliver(req, res, effects, result, { 'x-cache': 'MISS' });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, listenerIsp: string | undefined) => {
    counters.requests++;
    const parsed = parseRequestTarget(req.url);
    if (!parsed.ok) {
      counters.byKind.other.requests++;
      return answer(req, res, 400, parsed.error);
    }
    const r = parsed.request;
    const byKind = counters.byKind[r.kindLabel];
    byKind.requests++;
    const headerLabel = (h: string | string[] | undefined) =>
      typeof h === 'string' && isLabel(h) ? h : undefined;
    const deviceClass = r.deviceClass ?? headerLabel(req.headers['x-sd-device-class']);
    const isp = tier === 'edge' ? listenerIsp : headerLabel(req.headers['x-sd-isp']);
    // Viewer CMCD is counted where viewers connect; edges forward it unchanged, shields ignore it.
    if (tier === 'edge') cmcd.record(r.query, req.headers);

    const effects = faults.decide(
      requestFacts(r, { component: tier, cdn, pop: name, region, isp, deviceClass }),
    );
    if (effects.faultIds.length > 0) counters.faultHits++;
    if (effects.hang) return hang(res);
    if (effects.delayMs && effects.delayMs > 0 && !(await wait(effects.delayMs, res))) return;
    if (effects.status)
      return answer(req, res, effects.status, `${effects.status} (injected by ${servedBy})`);

    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, HEAD, OPTIONS');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
      res.setHeader('access-control-max-age', '600');
      return write(req, res, 204, {}, Buffer.alloc(0));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return answer(req, res, 405, 'only GET and HEAD are served', { allow: 'GET, HEAD, OPTIONS' });
    }

    const key = cacheKey(req.method, r);
    const upstream = upstreamHeaders(req, deviceClass, isp);
    if (!effects.forceMiss) {
      const object = cache.lookup(key, upstream, clock.now());
      if (object) {
        counters.hits++;
        byKind.hits++;
        const age = object.ageAtStoreS + Math.max(0, Math.floor((clock.now() - object.storedAtMs) / 1000));
        return deliver(req, res, effects, object, { 'x-cache': 'HIT', age: String(age) });
      }
      const running = inflight.get(key);
      if (running) {
        const o = await running;
        const names = o.result.ok ? varyNames(o.result.headers.vary) : [];
        if (o.shareable && varySuffix(names, o.upstream) === varySuffix(names, upstream)) {
          counters.coalesced++;
          byKind.coalesced++;
          return servePulled(req, res, effects, o.result);
        }
      }
    }
    counters.misses++;
    byKind.misses++;
    const o = await pull(key, r, upstream, !effects.forceMiss);
    return servePulled(req, res, effects, o.result);
  };

  const listeners: (string | undefined)[] = isps.length > 0 ? isps : [undefined];
  const servers: http.Server[] = [];
  const ports = new Map<string, number>();
  try {
    for (const isp of listeners) {
      const server = http.createServer((req, res) => {
        handle(req, res, isp).catch(() => answer(req, res, 500, 'internal error'));
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      ports.set(isp ?? '', (server.address() as AddressInfo).port);
    }
  } catch (err) {
    parent.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    cdn,
    name,
    region,
    tier,
    ports,
    url(isp?: string): string {
      const port = isp === undefined ? ports.values().next().value : ports.get(isp);
      if (port === undefined)
        throw new Error(`${servedBy} has no port for ISP '${isp}' (ISPs: ${[...ports.keys()].join(', ')})`);
      return `http://${host}:${port}`;
    },
    stats: () =>
      snapshot(counters, { cacheObjects: cache.objects, cacheBytes: cache.bytes, cmcd: cmcd.stats() }),
    cmcdSessions: () => cmcd.activeSessions(),
    purge: () => cache.purge(),
    close(): Promise<void> {
      closed ??= (async () => {
        closing = true;
        const done = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        for (const release of [...held]) release();
        for (const s of servers) s.closeAllConnections();
        parent.close();
        await Promise.all(done);
      })();
      return closed;
    },
  };
}
