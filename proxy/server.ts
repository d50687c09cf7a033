/**
 * streamdrill's embedded Toxiproxy: the Toxiproxy 2.12 REST API (same routes, status codes, JSON
 * shapes and error bodies) over real TCP proxies, plus `/metrics` and a reproducible `seed`.
 * Real Toxiproxy and this server are interchangeable behind `FaultProxy` (client.ts).
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { installHttpGuard } from '../core/http-guard.ts';
import { randomSeed } from '../core/rng.ts';
import { ProxyCollection, type ProxyInput, readProxyInput } from './collection.ts';
import { ApiError, Errors } from './errors.ts';
import { createProxyMetrics } from './metrics.ts';

/** The Toxiproxy release whose API this server reproduces. */
export const TOXIPROXY_API_VERSION = '2.12.0';

export interface ToxiproxyServerOptions {
  host?: string;
  /** API port; 0 picks a free one. Default 8474, like Toxiproxy. */
  port?: number;
  /** Makes jitter, toxicity draws and slicer sizes reproducible. */
  seed?: string | number;
  /** Log requests to stderr (the standalone command turns this on). */
  log?: boolean;
  /**
   * Required as `Authorization: Bearer` when bound beyond loopback (Toxiproxy itself has no auth;
   * streamdrill will not expose fault injection without one). See core/http-guard.ts.
   */
  token?: string;
}

type Params = { proxy: string; toxic: string };

export class ToxiproxyServer {
  readonly collection: ProxyCollection;
  readonly app: FastifyInstance;
  readonly seed: string;
  private address = '';
  private readonly host: string;

  private constructor(options: ToxiproxyServerOptions) {
    this.seed = options.seed === undefined ? randomSeed() : String(options.seed);
    this.collection = new ProxyCollection(this.seed);
    this.host = options.host ?? '127.0.0.1';
    this.app = buildApi(this.collection, options.log ?? false);
    installHttpGuard(this.app, {
      host: this.host,
      token: options.token,
      tokenHint: 'this fault proxy needs its token (Authorization: Bearer)',
    });
  }

  /** Builds the API without listening (for in-process `inject` tests). */
  static create(options: ToxiproxyServerOptions = {}): ToxiproxyServer {
    return new ToxiproxyServer(options);
  }

  static async start(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const server = new ToxiproxyServer(options);
    await server.listen(options.port ?? 8474);
    return server;
  }

  /** Listens on the host given at creation (its guard was set up for that address). */
  async listen(port: number): Promise<void> {
    this.address = await this.app.listen({ host: this.host, port });
  }

  /** Base URL of the API, e.g. http://127.0.0.1:8474 */
  get url(): string {
    return this.address;
  }

  /** Stops the API, every proxy listener and every proxied connection. */
  async close(): Promise<void> {
    await this.collection.clear();
    await this.app.close();
  }
}

function buildApi(collection: ProxyCollection, log: boolean): FastifyInstance {
  const app = Fastify({ logger: log ? { level: 'info' } : false, bodyLimit: 1024 * 1024 });
  const metrics = createProxyMetrics(collection);

  // Toxiproxy decodes any body as JSON whatever its Content-Type; so do we, with its error text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Browsers must not drive the proxy (a page could otherwise reconfigure it): Toxiproxy's rule.
  app.addHook('onRequest', async (req, reply) => {
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      return reply.code(403).type('text/plain; charset=utf-8').send('User agent not allowed\n');
    }
  });

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err);
    const e = err as { statusCode?: number; message?: string };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 ? e.statusCode : 500;
    return sendError(reply, new ApiError(e.message ?? String(err), status));
  });

  app.post('/reset', async (_req, reply) => {
    await collection.reset();
    return reply.code(204).send();
  });

  app.get('/proxies', async () => {
    const out: Record<string, unknown> = {};
    for (const [name, p] of collection.proxies) out[name] = p.toJSON();
    return out;
  });

  app.post('/proxies', async (req, reply) => {
    const input = readProxyInput(parseObject(req.body));
    const proxy = await collection.add(input);
    return reply.code(201).send(proxy.toJSON());
  });

  app.post('/populate', async (req, reply) => {
    try {
      const proxies = await collection.populate(parseJson(req.body));
      return reply.code(201).send({ proxies: proxies.map((p) => p.toJSON()) });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return reply.code(err.status).send({ ...err.toJSON(), proxies: null });
    }
  });

  app.get<{ Params: Params }>('/proxies/:proxy', async (req) => collection.get(req.params.proxy).toJSON());

  const updateProxy = async (req: { params: Params; body: unknown }) => {
    const proxy = collection.get(req.params.proxy);
    const body = parseObject(req.body);
    const merged: ProxyInput = readProxyInput({
      name: proxy.name,
      listen: proxy.listen,
      upstream: proxy.upstream,
      enabled: proxy.enabled,
      ...stripName(body),
    });
    await proxy.update(merged);
    return proxy.toJSON();
  };
  app.patch<{ Params: Params }>('/proxies/:proxy', updateProxy);
  app.post<{ Params: Params }>('/proxies/:proxy', updateProxy); // deprecated alias, still used by clients

  app.delete<{ Params: Params }>('/proxies/:proxy', async (req, reply) => {
    await collection.remove(req.params.proxy);
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>('/proxies/:proxy/toxics', async (req) =>
    collection.get(req.params.proxy).toxicsJson(),
  );

  app.post<{ Params: Params }>('/proxies/:proxy/toxics', async (req) => {
    const proxy = collection.get(req.params.proxy);
    const body = parseObject(req.body);
    for (const field of ['name', 'type', 'stream'] as const) {
      if (body[field] !== undefined && typeof body[field] !== 'string') {
        throw Errors.badRequestBody(`${field} must be a string, got ${typeof body[field]}`);
      }
    }
    return proxy.addToxic(body);
  });

  app.get<{ Params: Params }>('/proxies/:proxy/toxics/:toxic', async (req) => {
    const proxy = collection.get(req.params.proxy);
    const spec = proxy.findToxic(req.params.toxic);
    if (!spec) throw Errors.toxicNotFound();
    return proxy.toxicsJson().find((t) => t.name === spec.name);
  });

  const updateToxic = async (req: { params: Params; body: unknown }) =>
    collection.get(req.params.proxy).updateToxic(req.params.toxic, parseObject(req.body));
  app.patch<{ Params: Params }>('/proxies/:proxy/toxics/:toxic', updateToxic);
  app.post<{ Params: Params }>('/proxies/:proxy/toxics/:toxic', updateToxic);

  app.delete<{ Params: Params }>('/proxies/:proxy/toxics/:toxic', async (req, reply) => {
    collection.get(req.params.proxy).removeToxic(req.params.toxic);
    return reply.code(204).send();
  });

  app.get('/version', async (_req, reply) =>
    reply.type('application/json;charset=utf-8').send(`{"version": "${TOXIPROXY_API_VERSION}"}\n`),
  );

  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));

  return app;
}

function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.status).type('application/json').send(JSON.stringify(err.toJSON()));
}

function parseJson(body: unknown): unknown {
  const text = typeof body === 'string' ? body : '';
  if (text.trim() === '') throw Errors.badRequestBody('EOF');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw Errors.badRequestBody((err as Error).message);
  }
}

function parseObject(body: unknown): Record<string, unknown> {
  const value = parseJson(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw Errors.badRequestBody(
      `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

/** A proxy's name cannot change through an update (Toxiproxy ignores it too). */
function stripName(body: Record<string, unknown>): Record<string, unknown> {
  const { name: _ignored, ...rest } = body;
  return rest;
}
