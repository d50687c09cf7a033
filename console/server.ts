/**
 * The console server: the `/api` routes of `api.ts` over a {@link ConsoleSession}, the journal as a
 * server-sent event stream, and the built React app. Loopback by default; bound anywhere else it
 * requires a shared token, because its buttons act on the stack.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { installHttpGuard, isLoopback, newToken } from '../core/http-guard.ts';
import { zodIssuesLine } from '../core/zod-message.ts';
import { DASHBOARD_IDS, type DashboardId, type TrainerControl } from './api.ts';
import { ConsoleInputError, type ConsoleSession } from './session.ts';

export interface ConsoleServerOptions {
  session: ConsoleSession;
  /** Default 127.0.0.1. Any other address requires a token (one is generated when not given). */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  token?: string;
  /** Directory of the built app (console/dist); without it only the API is served. */
  appDir?: string;
  /** More Host names answered on loopback (DNS-rebinding guard; see core/http-guard.ts). */
  allowedHosts?: string[];
}

export interface ConsoleServer {
  url: string;
  /** The URL to open, with the token when one is required. */
  openUrl: string;
  token: string | undefined;
  app: FastifyInstance;
  close(): Promise<void>;
}

const NoteBody = z.strictObject({ role: z.string().min(1), text: z.string() });
const TrainerBody = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('pause') }),
  z.strictObject({ op: z.literal('resume') }),
  z.strictObject({ op: z.literal('speed'), speed: z.number().positive().max(1000) }),
  z.strictObject({ op: z.literal('inject'), text: z.string().min(1) }),
]);

function zodMessage(what: string, error: z.ZodError): string {
  return `invalid ${what}: ${zodIssuesLine(error, '(body)')}`;
}

/** Builds the server without listening (tests use `app.inject`). */
export async function buildConsoleServer(o: ConsoleServerOptions): Promise<{
  app: FastifyInstance;
  token: string | undefined;
}> {
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? (isLoopback(host) ? undefined : newToken());
  const s = o.session;
  const app = Fastify({ logger: false, forceCloseConnections: true });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    const status = err instanceof ConsoleInputError ? err.statusCode : (err.statusCode ?? 500);
    reply.code(status).send({ error: status >= 500 ? `internal error: ${err.message}` : err.message });
  });

  // The app shell (index.html and its assets) loads without the token; it reads the token from
  // its own URL and sends it on every API call. Everything else needs it when exposed.
  installHttpGuard(app, {
    host,
    token,
    publicRoutes: ['/', '/*'],
    ...(o.allowedHosts ? { allowedHosts: o.allowedHosts } : {}),
    tokenHint: 'this console needs its token: open the URL streamdrill printed',
  });

  app.get('/api/info', async () => s.info());
  app.get('/api/snapshot', async () => s.snapshot());
  app.get('/api/qoe', async (req) => {
    const since = (req.query as Record<string, string>).since;
    if (since === undefined) return s.qoe();
    const n = Number(since);
    if (!Number.isFinite(n))
      throw new ConsoleInputError(`since: expected a time in ms, got ${JSON.stringify(since)}`);
    return s.qoe(n);
  });
  app.get('/api/dashboards', async () => s.dashboards());
  app.get('/api/dashboards/:id', async (req) => {
    const { id } = req.params as { id: string };
    if (!(DASHBOARD_IDS as readonly string[]).includes(id))
      throw new ConsoleInputError(
        `unknown dashboard ${JSON.stringify(id)}: expected one of ${DASHBOARD_IDS.join(', ')}`,
        404,
      );
    return s.dashboard(id as DashboardId);
  });
  app.post('/api/act', async (req) => {
    const done = await s.act(req.body);
    return { ok: true, ...done };
  });
  app.post('/api/timeline/:id/note', async (req) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isInteger(id)) throw new ConsoleInputError('timeline entry id: expected an integer');
    const body = NoteBody.safeParse(req.body);
    if (!body.success) throw new ConsoleInputError(zodMessage('note', body.error));
    return s.note(id, body.data.role, body.data.text);
  });
  app.get('/api/trainer', async () => {
    if (!s.trainer)
      throw new ConsoleInputError('not a trainer session (start one with streamdrill replay)', 404);
    return s.trainer.view();
  });
  app.post('/api/trainer/control', async (req) => {
    if (!s.trainer)
      throw new ConsoleInputError('not a trainer session (start one with streamdrill replay)', 404);
    const body = TrainerBody.safeParse(req.body);
    if (!body.success) throw new ConsoleInputError(zodMessage('trainer control', body.error));
    return s.trainer.control(body.data as TrainerControl);
  });
  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': streamdrill journal\n\n');
    const off = s.subscribe((e) => res.write(`event: journal\ndata: ${JSON.stringify(e)}\n\n`));
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(keepAlive);
      off();
    });
  });
  app.get('/report', async (_req, reply) => {
    const html = await s.reportHtml();
    if (html === null) throw new ConsoleInputError('the report is written when the drill ends', 404);
    return reply.type('text/html; charset=utf-8').send(html);
  });
  if (o.appDir) {
    await app.register(fastifyStatic, { root: o.appDir, index: 'index.html' });
  }
  return { app, token };
}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = o.host ?? '127.0.0.1';
  const { app, token } = await buildConsoleServer(o);
  await app.listen({ host, port: o.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${port}`;
  return {
    url,
    openUrl: token ? `${url}/?token=${token}` : `${url}/`,
    token,
    app,
    close: async () => {
      await app.close();
    },
  };
}
