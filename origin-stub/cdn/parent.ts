/**
 * Parent pulls through http-proxy, buffered. The pull is decoupled from the client request that
 * triggered it (a synthetic request object goes to http-proxy), so the viewer that started a
 * coalesced pull can go away without failing the others waiting on it. The timeout runs on the
 * Clock; close() aborts every pull in flight and drops the keep-alive sockets.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import httpProxy from 'http-proxy';
import type { Clock, TimerHandle } from '../../core/clock.ts';
import type { StoredHeaders } from './cache.ts';

export type ParentFailureReason = 'refused' | 'reset' | 'timeout' | 'error' | 'closed' | 'bad-parent';

export type ParentResult =
  | { ok: true; status: number; headers: StoredHeaders; body: Buffer; latencyMs: number }
  | { ok: false; status: 502 | 504; reason: ParentFailureReason; message: string; latencyMs: number };

export const DEFAULT_PARENT_TIMEOUT_MS = 10_000;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Copies headers without the hop-by-hop ones (including those named in `Connection`). */
export function endToEndHeaders(headers: IncomingHttpHeaders): StoredHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: StoredHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

interface Pull {
  req: IncomingMessage & { socket: { destroyed: boolean } };
  finish: (r: ParentResult) => void;
}

export class ParentFetcher {
  private readonly agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  private readonly proxy: httpProxy;
  private readonly onResponse = new WeakMap<IncomingMessage, (res: IncomingMessage) => void>();
  private readonly onRequest = new WeakMap<IncomingMessage, (req: http.ClientRequest) => void>();
  private readonly pulls = new Set<Pull>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = DEFAULT_PARENT_TIMEOUT_MS,
  ) {
    this.proxy = httpProxy.createProxyServer({
      agent: this.agent,
      selfHandleResponse: true,
      changeOrigin: true,
      xfwd: false,
    });
    this.proxy.on('proxyRes', (proxyRes, req) => this.onResponse.get(req)?.(proxyRes));
    this.proxy.on('proxyReq', (proxyReq, req) => this.onRequest.get(req)?.(proxyReq));
    // Errors reach the per-pull callback; this only keeps a stray one from crashing the process.
    this.proxy.on('error', () => {});
    this.proxy.on('econnreset', () => {});
  }

  /** GETs `pathAndQuery` from the parent at `base`; never rejects. */
  fetch(base: string, pathAndQuery: string, headers: StoredHeaders): Promise<ParentResult> {
    const started = this.clock.now();
    const fail = (status: 502 | 504, reason: ParentFailureReason, message: string): ParentResult => ({
      ok: false,
      status,
      reason,
      message,
      latencyMs: this.clock.now() - started,
    });
    if (this.closed) return Promise.resolve(fail(502, 'closed', 'POP is closing'));
    let target: URL;
    try {
      target = new URL(base);
      if (target.protocol !== 'http:') throw new Error('not http');
    } catch {
      return Promise.resolve(fail(502, 'bad-parent', `bad parent URL '${base}'`));
    }
    return this.attempt(target, pathAndQuery, headers, started, fail, true);
  }

  private attempt(
    target: URL,
    pathAndQuery: string,
    headers: StoredHeaders,
    started: number,
    fail: (status: 502 | 504, reason: ParentFailureReason, message: string) => ParentResult,
    mayRetry: boolean,
  ): Promise<ParentResult> {
    return new Promise<ParentResult>((resolve) => {
      // What http-proxy reads from a request: method, url, headers, socket.destroyed, and a body
      // stream to pipe (empty: pulls are GETs).
      const req = Object.assign(Readable.from([]), {
        method: 'GET',
        url: pathAndQuery,
        headers: { ...headers },
        socket: { destroyed: false },
      }) as unknown as Pull['req'];
      const res = { headersSent: false, finished: false } as unknown as ServerResponse;
      let settled = false;
      let timer: TimerHandle | undefined;
      let reusedSocket = false;
      const pull: Pull = {
        req,
        finish: (r) => {
          if (settled) return;
          settled = true;
          this.clock.clearTimeout(timer);
          this.pulls.delete(pull);
          if (!r.ok) {
            // Makes http-proxy abort the outgoing request (it listens for 'aborted').
            req.socket.destroyed = true;
            req.emit('aborted');
          }
          resolve(r);
        },
      };
      this.pulls.add(pull);
      timer = this.clock.setTimeout(
        () => pull.finish(fail(504, 'timeout', `parent did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      this.onRequest.set(req, (proxyReq) => {
        reusedSocket = proxyReq.reusedSocket;
      });
      this.onResponse.set(req, (proxyRes) => {
        const chunks: Buffer[] = [];
        proxyRes.on('data', (c: Buffer) => chunks.push(c));
        proxyRes.on('error', () => pull.finish(fail(502, 'reset', 'parent connection reset mid-body')));
        proxyRes.on('end', () => {
          if (!proxyRes.complete) return pull.finish(fail(502, 'reset', 'parent response truncated'));
          pull.finish({
            ok: true,
            status: proxyRes.statusCode ?? 502,
            headers: endToEndHeaders(proxyRes.headers),
            body: Buffer.concat(chunks),
            latencyMs: this.clock.now() - started,
          });
        });
        proxyRes.on('close', () => {
          if (!proxyRes.complete) pull.finish(fail(502, 'reset', 'parent connection closed mid-body'));
        });
      });
      this.proxy.web(req, res, { target: target.href }, (err) => {
        if (settled) return;
        const code = (err as NodeJS.ErrnoException).code;
        // A keep-alive socket the parent closed while idle: retry once on a fresh one, as browsers do.
        if (code === 'ECONNRESET' && reusedSocket && mayRetry && !this.closed) {
          settled = true;
          this.clock.clearTimeout(timer);
          this.pulls.delete(pull);
          resolve(this.attempt(target, pathAndQuery, headers, started, fail, false));
          return;
        }
        if (code === 'ECONNREFUSED') pull.finish(fail(502, 'refused', 'parent refused the connection'));
        else if (code === 'ECONNRESET' || code === 'EPIPE')
          pull.finish(fail(502, 'reset', 'parent reset the connection'));
        else pull.finish(fail(502, 'error', `parent request failed (${code ?? 'unknown error'})`));
      });
    });
  }

  get inFlight(): number {
    return this.pulls.size;
  }

  close(): void {
    this.closed = true;
    for (const p of [...this.pulls]) {
      p.finish({ ok: false, status: 502, reason: 'closed', message: 'POP is closing', latencyMs: 0 });
    }
    this.agent.destroy();
    this.proxy.close();
  }
}
