import { describe, expect, it } from 'vitest';
import { isPrivateOrNoStore, parseCacheControl, sharedTtlMs } from './cache-control.ts';

describe('Cache-Control', () => {
  it('reads the origin values', () => {
    expect(sharedTtlMs('public, max-age=1')).toBe(1000);
    expect(sharedTtlMs('public, max-age=86400')).toBe(86_400_000);
    expect(sharedTtlMs(['public', 'max-age=5'])).toBe(5000);
  });

  it('prefers s-maxage and subtracts the Age the object arrived with', () => {
    expect(sharedTtlMs('max-age=1, s-maxage=30')).toBe(30_000);
    expect(sharedTtlMs('max-age=10', 4)).toBe(6000);
    expect(sharedTtlMs('max-age=1', 1)).toBeUndefined();
  });

  it('refuses what a shared cache must not store', () => {
    for (const v of [
      undefined,
      'no-store',
      'private, max-age=60',
      'no-cache',
      'no-cache, max-age=60',
      'public',
      'max-age=0',
    ]) {
      expect(sharedTtlMs(v), String(v)).toBeUndefined();
    }
  });

  it('treats malformed headers as uncacheable, without throwing', () => {
    for (const v of [
      'max-age=,, public;;',
      'max-age=abc',
      'max-age',
      'public;;',
      'max-age="1',
      '',
      ' , ',
      'max-age=1, max-age=60',
    ]) {
      expect(parseCacheControl(v)?.valid, v).toBe(false);
      expect(sharedTtlMs(v), v).toBeUndefined();
    }
    expect(parseCacheControl('public,, max-age=2')?.valid).toBe(true);
    expect(parseCacheControl('max-age="2", community="UCI"')?.valid).toBe(true);
  });

  it('knows what must not go to another client', () => {
    expect(isPrivateOrNoStore('private')).toBe(true);
    expect(isPrivateOrNoStore('no-store')).toBe(true);
    expect(isPrivateOrNoStore('public, max-age=1')).toBe(false);
    expect(isPrivateOrNoStore('max-age=,, public;;')).toBe(false);
  });
});
