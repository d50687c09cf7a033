/**
 * ClearKey licence server, as a fastify plugin.
 *
 *   POST <path>?drm=<label>   or   POST <path>/<label>
 *   body  {"kids":["<base64url KID>", ...],"type":"temporary"}
 *   200   {"keys":[{"kty":"oct","kid":"<b64url>","k":"<b64url>"}],"type":"temporary"}
 *
 * The label names the DRM system a device class believes it uses (a TV class "playready", a phone
 * "fairplay"...). ClearKey carries the keys underneath whatever the label says; the label exists so
 * counters and faults can be per DRM system. Label defaults to "clearkey".
 *
 * `beforeIssue` lets the fault layer make a label answer with an error status, answer late, or hang.
 * Counters are kept per label and exposed by `stats()`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import { type ContentKey, fromBase64Url, toBase64Url } from './keys.ts';

export interface LicenceFault {
  /** Answer with this HTTP status instead of a licence (e.g. 503). */
  status?: number;
  /** Wait this long (clock time) before answering. */
  delayMs?: number;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
}

export interface LicenceRequestInfo {
  label: string;
  /** KIDs as sent by the player (base64url). */
  kids: string[];
}

export type BeforeIssueHook = (
  label: string,
  request: LicenceRequestInfo,
) => LicenceFault | undefined | Promise<LicenceFault | undefined>;

/** Upper bounds (ms) of the latency histogram buckets; the last bucket is +Inf. */
export const LICENCE_LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export interface LicenceLabelStats {
  /** Licences answered with keys. */
  issued: number;
  /** Requests answered with an error status (bad requests, unknown keys, injected faults). */
  errors: number;
  errorsByStatus: Record<number, number>;
  /** Latency of every answered request, clock time. */
  latency: {
    count: number;
    totalMs: number;
    maxMs: number;
    /** Cumulative counts per {@link LICENCE_LATENCY_BUCKETS_MS} bound, then +Inf. */
    buckets: number[];
  };
}

export interface ClearKeyServerOptions {
  /** Finds the key for a KID; unknown KIDs are left out of the answer. */
  lookup: (kid: Uint8Array) => ContentKey | undefined;
  clock: Clock;
  /** Route path, default `/licence`. */
  path?: string;
  beforeIssue?: BeforeIssueHook;
  /** Told each answered request's latency (ms) with its DRM label, e.g. to observe it in a histogram. */
  onLatency?: (label: string, ms: number) => void;
}

export interface ClearKeyServer {
  /** Register with `app.register(server.plugin)`. */
  plugin: (app: FastifyInstance) => Promise<void>;
  /** Counters per DRM label (a snapshot). */
  stats(): Record<string, LicenceLabelStats>;
}

const DEFAULT_LABEL = 'clearkey';
const LABEL_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function emptyStats(): LicenceLabelStats {
  return {
    issued: 0,
    errors: 0,
    errorsByStatus: {},
    latency: {
      count: 0,
      totalMs: 0,
      maxMs: 0,
      buckets: new Array(LICENCE_LATENCY_BUCKETS_MS.length + 1).fill(0),
    },
  };
}

/** Validates a licence request body; throws BadRequest with a message meant for humans. */
export function parseLicenceRequest(body: unknown): { kids: string[]; kidBytes: Uint8Array[] } {
  let json: unknown = body;
  if (body === undefined || body === null || (body instanceof Uint8Array && body.length === 0)) {
    throw new BadRequest('empty request body: expected {"kids":[...],"type":"temporary"}');
  }
  if (body instanceof Uint8Array) {
    try {
      json = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new BadRequest('request body is not JSON: expected {"kids":[...],"type":"temporary"}');
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BadRequest('request body must be a JSON object {"kids":[...],"type":"temporary"}');
  }
  const { kids, type } = json as { kids?: unknown; type?: unknown };
  if (type !== undefined && type !== 'temporary') {
    throw new BadRequest(`unsupported licence type ${JSON.stringify(type)}: only "temporary" is supported`);
  }
  if (!Array.isArray(kids) || kids.length === 0) {
    throw new BadRequest('"kids" must be a non-empty array of base64url key ids');
  }
  if (kids.length > 64) throw new BadRequest('too many key ids (at most 64)');
  const kidBytes = kids.map((k, i) => {
    const bytes = typeof k === 'string' ? fromBase64Url(k) : undefined;
    if (bytes?.length !== 16) throw new BadRequest(`kids[${i}] is not a 16-byte base64url key id`);
    return bytes;
  });
  return { kids: kids as string[], kidBytes };
}

export function createClearKeyServer(opts: ClearKeyServerOptions): ClearKeyServer {
  const { clock, lookup, beforeIssue } = opts;
  const path = opts.path ?? '/licence';
  const counters = new Map<string, LicenceLabelStats>();
  const hanging = new Set<() => void>();

  const record = (label: string, status: number, startedAt: number): void => {
    let s = counters.get(label);
    if (!s) {
      s = emptyStats();
      counters.set(label, s);
    }
    if (status < 400) s.issued++;
    else {
      s.errors++;
      s.errorsByStatus[status] = (s.errorsByStatus[status] ?? 0) + 1;
    }
    const ms = Math.max(0, clock.now() - startedAt);
    s.latency.count++;
    s.latency.totalMs += ms;
    s.latency.maxMs = Math.max(s.latency.maxMs, ms);
    LICENCE_LATENCY_BUCKETS_MS.forEach((bound, i) => {
      if (ms <= bound) s.latency.buckets[i]!++;
    });
    s.latency.buckets[LICENCE_LATENCY_BUCKETS_MS.length]!++;
    opts.onLatency?.(label, ms);
  };

  /** Waits until the client goes away or the server closes. */
  const hang = (req: FastifyRequest): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        hanging.delete(done);
        resolve();
      };
      hanging.add(done);
      req.raw.socket.once('close', done);
    });

  const handle = async (req: FastifyRequest, reply: FastifyReply, rawLabel: string | undefined) => {
    const startedAt = clock.now();
    const label = (rawLabel ?? DEFAULT_LABEL).toLowerCase();
    const send = (status: number, payload: unknown, countAs = label) => {
      record(countAs, status, startedAt);
      return reply.code(status).header('cache-control', 'no-store').send(payload);
    };
    if (!LABEL_RE.test(label)) {
      return send(400, { error: 'drm label must be 1-32 characters of a-z, 0-9, "_" or "-"' }, 'invalid');
    }
    let parsed: ReturnType<typeof parseLicenceRequest>;
    try {
      parsed = parseLicenceRequest(req.body);
    } catch (err) {
      if (err instanceof BadRequest) return send(err.status, { error: err.message });
      throw err;
    }
    const fault = await beforeIssue?.(label, { label, kids: parsed.kids });
    if (fault?.delayMs && fault.delayMs > 0) await clock.sleep(fault.delayMs);
    if (fault?.hang) {
      await hang(req);
      record(label, 503, startedAt);
      if (!reply.raw.destroyed) reply.raw.destroy();
      return reply;
    }
    if (fault?.status && fault.status >= 400) {
      return send(fault.status, { error: `licence refused by injected fault (status ${fault.status})` });
    }
    const keys = parsed.kidBytes.flatMap((kid, i) => {
      const found = lookup(kid);
      return found
        ? [{ kty: 'oct', kid: parsed.kids[i]!.replace(/=+$/, ''), k: toBase64Url(found.key) }]
        : [];
    });
    if (keys.length === 0) return send(404, { error: 'no key known for any of the requested key ids' });
    return send(200, { keys, type: 'temporary' });
  };

  const plugin = async (app: FastifyInstance): Promise<void> => {
    // Players send the licence challenge with varying or no content types: take every body raw.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.addHook('onSend', async (_req, reply) => {
      reply.header('access-control-allow-origin', '*');
    });
    // Release hanging requests so the server can close.
    app.addHook('preClose', async () => {
      for (const release of [...hanging]) release();
    });
    const preflight = async (_req: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .send();
    app.options(path, preflight);
    app.options(`${path}/:drm`, preflight);
    app.post(path, (req, reply) => handle(req, reply, (req.query as { drm?: string }).drm));
    app.post(`${path}/:drm`, (req, reply) => handle(req, reply, (req.params as { drm: string }).drm));
  };

  return {
    plugin,
    stats: () => structuredClone(Object.fromEntries(counters)),
  };
}
