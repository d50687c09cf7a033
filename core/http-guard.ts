/**
 * Who may talk to a streamdrill server. Every server binds 127.0.0.1 unless told otherwise:
 *
 * - On loopback, only requests whose `Host` names this machine are answered (`localhost`,
 *   `127.0.0.1`, `[::1]`, or a name the operator adds). A web page the operator opens elsewhere can
 *   make the browser send requests to 127.0.0.1 — after a DNS rebinding the browser believes they go
 *   to the page's own host (`Host: attacker.example`), and would let the page read the answers. The
 *   allow-list refuses those (403) before any route runs.
 * - Bound anywhere else, a shared token is required on every route but the public ones (the app
 *   shell a browser loads before it has the token in hand). The check runs on the route the router
 *   matched (`routeOptions.url`), never on the raw request target, so a percent-encoded path
 *   (`/%61pi/info`) or an absolute-form target (`GET http://host/api/info`) that the router decodes
 *   to a protected route is protected too; a request that matches no route needs the token as well.
 *
 * The token is accepted as `Authorization: Bearer <token>` or, where a browser cannot set headers
 * (page loads, EventSource), as `?token=<token>`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** True when an address to bind (or a Host name) is this machine only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A fresh shared token (24 random bytes, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HttpGuardOptions {
  /** The address the server binds. */
  host: string;
  /** Required on every non-public route when set (servers bound beyond loopback must set one). */
  token?: string | undefined;
  /** Route patterns (as registered, e.g. `/`, `/*`) answered without the token. */
  publicRoutes?: readonly string[];
  /** More `Host` names answered on loopback (e.g. a name in /etc/hosts the operator uses). */
  allowedHosts?: readonly string[];
  /** The 401 message (what to do to get the token). */
  tokenHint?: string;
}

/** The hostname part of a Host header (`[::1]:8080` → `[::1]`, `localhost:3000` → `localhost`). */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? undefined : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** The token a request carries, from its Authorization header or its `token` query parameter. */
export function requestToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const q = req.query as Record<string, unknown> | undefined;
  return typeof q?.token === 'string' ? q.token : undefined;
}

/**
 * Installs the guard as the server's first hook. Throws when the server is bound beyond loopback
 * without a token: a caller that means to expose a server must decide what protects it.
 */
export function installHttpGuard(app: FastifyInstance, o: HttpGuardOptions): void {
  const exposed = !isLoopback(o.host);
  if (exposed && !o.token)
    throw new Error(`refusing to serve on ${o.host} without a token (every address but loopback needs one)`);
  const allowed = new Set([...LOOPBACK_HOSTS, ...(o.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  const publicRoutes = new Set(o.publicRoutes ?? []);
  const token = o.token;
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!exposed) {
      const name = hostName(req.headers.host);
      if (!name || !allowed.has(name)) {
        return reply
          .code(403)
          .send({ error: `Host ${JSON.stringify(req.headers.host ?? '')} is not this machine: refused` });
      }
    }
    if (!token) return;
    const route = req.routeOptions.url;
    if (route !== undefined && publicRoutes.has(route)) return;
    const given = requestToken(req);
    if (!given || !sameToken(given, token)) {
      return reply.code(401).send({ error: o.tokenHint ?? 'this server needs its token' });
    }
  });
}
