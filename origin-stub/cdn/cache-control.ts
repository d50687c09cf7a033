/**
 * Cache-Control parsing for a shared cache (RFC 9111 §5.2), strict on syntax: a cache that
 * cannot read the header must not store the object (that is what the `cache-control-malformed`
 * fault exercises).
 */

export type CacheControl =
  | { valid: true; directives: ReadonlyMap<string, string | true> }
  | { valid: false; reason: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;
const DELTA_SECONDS = /^\d{1,10}$/;
const NUMERIC = new Set([
  'max-age',
  's-maxage',
  'min-fresh',
  'max-stale',
  'stale-while-revalidate',
  'stale-if-error',
]);

/** Splits on commas that are not inside a quoted string. */
function splitList(value: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\') {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) return undefined;
  parts.push(current);
  return parts;
}

/** Parses a Cache-Control header (several header lines are one comma-separated list). */
export function parseCacheControl(header: string | readonly string[] | undefined): CacheControl | undefined {
  if (header === undefined) return undefined;
  const value = typeof header === 'string' ? header : header.join(',');
  const parts = splitList(value);
  if (!parts) return { valid: false, reason: 'unterminated quoted string' };
  const directives = new Map<string, string | true>();
  let seen = 0;
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue; // empty list elements are allowed by the list syntax (RFC 9110 §5.6.1)
    seen++;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!TOKEN.test(name)) return { valid: false, reason: `bad directive name '${name}'` };
    let arg: string | true = true;
    if (eq >= 0) {
      const rawArg = part.slice(eq + 1).trim();
      if (TOKEN.test(rawArg)) arg = rawArg;
      else if (QUOTED.test(rawArg)) arg = rawArg.slice(1, -1).replace(/\\(.)/g, '$1');
      else return { valid: false, reason: `bad argument for '${name}'` };
    }
    if (NUMERIC.has(name) && (arg === true || !DELTA_SECONDS.test(arg))) {
      return { valid: false, reason: `'${name}' needs a number of seconds` };
    }
    const previous = directives.get(name);
    // Conflicting duplicates (max-age=1, max-age=60) cannot be honoured either.
    if (previous !== undefined && previous !== arg) return { valid: false, reason: `conflicting '${name}'` };
    directives.set(name, arg);
  }
  if (seen === 0) return { valid: false, reason: 'empty' };
  return { valid: true, directives };
}

/**
 * How long a shared cache may store a response with this Cache-Control, in ms, given the Age
 * (seconds) it arrived with; undefined when it must not be stored: header missing or malformed,
 * `no-store`, `private`, `no-cache`, no `s-maxage`/`max-age`, or already stale.
 */
export function sharedTtlMs(
  header: string | readonly string[] | undefined,
  ageSeconds = 0,
): number | undefined {
  const cc = parseCacheControl(header);
  if (!cc?.valid) return undefined;
  const d = cc.directives;
  if (d.has('no-store') || d.has('private') || d.has('no-cache')) return undefined;
  const lifetime = d.get('s-maxage') ?? d.get('max-age');
  if (typeof lifetime !== 'string') return undefined;
  const ttl = (Number(lifetime) - Math.max(0, ageSeconds)) * 1000;
  return ttl > 0 ? ttl : undefined;
}

/** True when a response with this Cache-Control must not be handed to another client. */
export function isPrivateOrNoStore(header: string | readonly string[] | undefined): boolean {
  const cc = parseCacheControl(header);
  return cc?.valid === true && (cc.directives.has('no-store') || cc.directives.has('private'));
}
