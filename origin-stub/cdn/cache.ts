/**
 * A byte-bounded LRU object cache with Vary support. Objects are whole buffered responses
 * (manifests and 2 s segments are small). Freshness is decided by the caller's clock readings;
 * the cache only compares `expiresAtMs` with the `now` it is given.
 */
export type StoredHeaders = Record<string, string | string[]>;
/** Request headers as the parent will see them (what Vary refers to). */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface CachedObject {
  status: number;
  /** Response headers as received from the parent, hop-by-hop headers removed. */
  headers: StoredHeaders;
  body: Buffer;
  storedAtMs: number;
  expiresAtMs: number;
  /** Age (s) the object already had when it arrived from the parent. */
  ageAtStoreS: number;
}

interface Entry {
  key: string;
  primary: string;
  object: CachedObject;
  size: number;
}

interface VaryRecord {
  names: string[];
  entries: number;
}

export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/** Header names listed in a Vary header, lower-cased; `['*']` for `Vary: *`. */
export function varyNames(vary: string | string[] | undefined): string[] {
  if (vary === undefined) return [];
  const list = (Array.isArray(vary) ? vary.join(',') : vary)
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  return [...new Set(list)].sort();
}

/** The part of the cache key contributed by the request headers a response varies on. */
export function varySuffix(names: readonly string[], headers: RequestHeaders): string {
  if (names.length === 0) return '';
  return names
    .map((n) => {
      const v = headers[n];
      return `\n${n}: ${Array.isArray(v) ? v.join(', ') : (v ?? '').trim()}`;
    })
    .join('');
}

function headerBytes(headers: StoredHeaders): number {
  let n = 0;
  for (const [k, v] of Object.entries(headers))
    n += k.length + (Array.isArray(v) ? v.join(', ') : v).length + 4;
  return n;
}

export class LruCache {
  // Map iteration order is insertion order: re-inserting on access keeps the LRU at the front.
  private readonly entries = new Map<string, Entry>();
  private readonly vary = new Map<string, VaryRecord>();
  private used = 0;

  constructor(readonly capacityBytes = DEFAULT_CACHE_BYTES) {}

  get objects(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.used;
  }

  /** The fresh object for this key and these request headers, or undefined (expired ones are dropped). */
  lookup(primary: string, reqHeaders: RequestHeaders, nowMs: number): CachedObject | undefined {
    const names = this.vary.get(primary)?.names ?? [];
    const key = primary + varySuffix(names, reqHeaders);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.object.expiresAtMs <= nowMs) {
      this.remove(entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.object;
  }

  /** Stores an object; false when it cannot be (Vary: *, larger than the whole cache). */
  store(primary: string, reqHeaders: RequestHeaders, object: CachedObject): boolean {
    const names = varyNames(object.headers.vary);
    if (names.includes('*')) return false;
    const size = object.body.length + headerBytes(object.headers) + primary.length;
    if (size > this.capacityBytes) return false;
    const record = this.vary.get(primary);
    if (record && record.names.join() !== names.join()) {
      // The parent changed what it varies on: variants stored under the old rule are unreachable.
      for (const e of [...this.entries.values()]) if (e.primary === primary) this.remove(e);
    }
    const key = primary + varySuffix(names, reqHeaders);
    const old = this.entries.get(key);
    if (old) this.remove(old);
    const rec = this.vary.get(primary) ?? { names, entries: 0 };
    rec.entries++;
    this.vary.set(primary, rec);
    this.entries.set(key, { key, primary, object, size });
    this.used += size;
    for (const lru of this.entries.values()) {
      if (this.used <= this.capacityBytes) break;
      this.remove(lru);
    }
    return true;
  }

  purge(): void {
    this.entries.clear();
    this.vary.clear();
    this.used = 0;
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry.key)) return;
    this.used -= entry.size;
    const rec = this.vary.get(entry.primary);
    if (rec && --rec.entries <= 0) this.vary.delete(entry.primary);
  }
}
