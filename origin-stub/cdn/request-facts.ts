/**
 * What a POP reads from a request line: the `/d/<deviceClass>` prefix, the origin's path layout
 * (`/live/<channel>/<variant>/[<rendition>/]<file>`, see packager/origin.ts), the cache key, and the
 * fault-matching facts.
 */
import type { ObjectKind, RequestFacts } from '../../faults/types.ts';

export type KindLabel = 'manifest' | 'init' | 'segment' | 'other';

export interface ParsedRequest {
  /** Normalized path with the device-class prefix removed: what the parent is asked for. */
  path: string;
  /** Query string without the leading `?` (may be empty), unchanged. */
  query: string;
  deviceClass?: string;
  channel?: string;
  variant?: string;
  rendition?: string;
  kind?: ObjectKind;
  kindLabel: KindLabel;
}

export type ParseResult = { ok: true; request: ParsedRequest } | { ok: false; error: string };

const LABEL = /^[A-Za-z0-9_.-]{1,64}$/;

export function isLabel(value: string | undefined): value is string {
  return value !== undefined && LABEL.test(value);
}

export function kindOf(file: string): KindLabel {
  if (file.endsWith('.m3u8') || file.endsWith('.mpd')) return 'manifest';
  if (file === 'init.mp4') return 'init';
  if (file.endsWith('.m4s')) return 'segment';
  return 'other';
}

/** Parses a request target (`req.url`). Never throws: bad input comes back as `{ ok: false }`. */
export function parseRequestTarget(target: string | undefined): ParseResult {
  if (!target?.startsWith('/')) return { ok: false, error: 'request target must be an absolute path' };
  let url: URL;
  try {
    // Resolves `.`/`..` segments and normalizes percent-encoding the way a browser would.
    url = new URL(target.replace(/\/{2,}/g, '/'), 'http://pop.invalid');
  } catch {
    return { ok: false, error: 'unparseable request target' };
  }
  let path = url.pathname;
  let deviceClass: string | undefined;
  const prefix = /^\/d\/([^/]+)(\/.*)$/.exec(path);
  if (prefix) {
    if (!isLabel(prefix[1])) return { ok: false, error: 'bad device class in /d/<deviceClass> prefix' };
    deviceClass = prefix[1];
    path = prefix[2]!;
  }
  const parts = path.split('/').filter((p) => p !== '');
  const file = parts.at(-1) ?? '';
  const kindLabel = kindOf(file);
  const request: ParsedRequest = { path, query: url.search.slice(1), kindLabel };
  if (deviceClass !== undefined) request.deviceClass = deviceClass;
  if (kindLabel !== 'other') request.kind = kindLabel;
  // <base>/<channel>/<variant>/<file> or <base>/<channel>/<variant>/<rendition>/<file>
  if (parts.length === 4 || parts.length === 5) {
    request.channel = parts[1]!;
    request.variant = parts[2]!;
    if (parts.length === 5) request.rendition = parts[3]!;
  }
  return { ok: true, request };
}

/** The query string that goes into the cache key: everything but the per-request `CMCD` argument. */
export function keyQuery(query: string): string {
  if (query === '') return '';
  const kept = query.split('&').filter((p) => p !== '' && p.split('=')[0] !== 'CMCD');
  return kept.join('&');
}

/** Cache key without Vary: method class + normalized path + query minus CMCD. */
export function cacheKey(method: string, request: ParsedRequest): string {
  // HEAD is answered from the GET object, as caches do.
  const m = method === 'HEAD' ? 'GET' : method;
  const q = keyQuery(request.query);
  return `${m} ${request.path}${q ? `?${q}` : ''}`;
}

export interface PopContext {
  component: 'edge' | 'shield';
  cdn: string;
  pop: string;
  region: string;
  isp?: string;
  deviceClass?: string;
}

export function requestFacts(request: ParsedRequest, ctx: PopContext): RequestFacts {
  const facts: RequestFacts = { component: ctx.component, cdn: ctx.cdn, pop: ctx.pop, region: ctx.region };
  if (ctx.isp !== undefined) facts.isp = ctx.isp;
  if (request.channel !== undefined) facts.channel = request.channel;
  if (request.variant !== undefined) facts.variant = request.variant;
  if (request.kind !== undefined) facts.kind = request.kind;
  if (request.rendition !== undefined) facts.rendition = request.rendition;
  const dc = ctx.deviceClass ?? request.deviceClass;
  if (dc !== undefined) facts.deviceClass = dc;
  return facts;
}
