/**
 * A tiny origin for CDN tests: the live origin's URL layout and Cache-Control values, fake bodies,
 * every request recorded. Tests override the answer per request with `respond`.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-MEDIA-SEQUENCE:10',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXTINF:2.0,',
  '10.m4s',
  '#EXTINF:2.0,',
  '11.m4s',
  '#EXTINF:2.0,',
  '12.m4s',
  '',
].join('\n');

export interface SeenRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeOrigin {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Requests seen for a path (query ignored). */
  count(path: string): number;
  /** Return true when the request was answered; otherwise the default answer is sent. */
  respond?: (req: IncomingMessage, res: ServerResponse) => boolean;
  close(): Promise<void>;
}

function defaultAnswer(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path.endsWith('.m3u8')) {
    res.writeHead(200, {
      'content-type': 'application/vnd.apple.mpegurl',
      'cache-control': 'public, max-age=1',
    });
    res.end(FAKE_PLAYLIST);
  } else if (path.endsWith('.mpd')) {
    res.writeHead(200, { 'content-type': 'application/dash+xml', 'cache-control': 'public, max-age=1' });
    res.end('<?xml version="1.0"?>\n<MPD type="dynamic"><Period id="0"><AdaptationSet/></Period></MPD>\n');
  } else if (path.endsWith('.m4s') || path.endsWith('/init.mp4')) {
    res.writeHead(200, { 'content-type': 'video/mp4', 'cache-control': 'public, max-age=86400' });
    res.end(Buffer.alloc(2048, path.length));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-cache' });
    res.end('not found');
  }
}

export async function startFakeOrigin(): Promise<FakeOrigin> {
  const seen: SeenRequest[] = [];
  const origin: FakeOrigin = {
    url: '',
    port: 0,
    seen,
    count: (path) => seen.filter((s) => s.url.split('?')[0] === path).length,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (origin.respond?.(req, res)) return;
    defaultAnswer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin.port = (server.address() as AddressInfo).port;
  origin.url = `http://127.0.0.1:${origin.port}`;
  return origin;
}

export interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A plain GET on a fresh connection (no pooled sockets to outlive a test). */
export function httpGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
