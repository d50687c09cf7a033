import { describe, expect, it } from 'vitest';
import { type CachedObject, LruCache, varyNames } from './cache.ts';

const obj = (bytes: number, extra: Partial<CachedObject> = {}): CachedObject => ({
  status: 200,
  headers: {},
  body: Buffer.alloc(bytes),
  storedAtMs: 0,
  expiresAtMs: 1000,
  ageAtStoreS: 0,
  ...extra,
});

describe('LruCache', () => {
  it('expires objects on the given clock reading', () => {
    const c = new LruCache();
    c.store('GET /a', {}, obj(10));
    expect(c.lookup('GET /a', {}, 999)).toBeDefined();
    expect(c.lookup('GET /a', {}, 1000)).toBeUndefined();
    expect(c.objects).toBe(0);
    expect(c.bytes).toBe(0);
  });

  it('evicts the least recently used object to stay within its byte budget', () => {
    const c = new LruCache(3500);
    c.store('GET /a', {}, obj(1000));
    c.store('GET /b', {}, obj(1000));
    c.store('GET /c', {}, obj(1000));
    c.lookup('GET /a', {}, 0); // a is now the most recent
    c.store('GET /d', {}, obj(1000));
    expect(c.lookup('GET /b', {}, 0)).toBeUndefined();
    expect(c.lookup('GET /a', {}, 0)).toBeDefined();
    expect(c.lookup('GET /d', {}, 0)).toBeDefined();
    expect(c.bytes).toBeLessThanOrEqual(3500);
    expect(c.store('GET /huge', {}, obj(5000))).toBe(false);
  });

  it('keys variants on the request headers named by Vary', () => {
    const c = new LruCache();
    const vary = { vary: 'X-SD-Device-Class' };
    c.store('GET /v', { 'x-sd-device-class': 'tv' }, obj(1, { headers: vary, body: Buffer.from('tv') }));
    expect(c.lookup('GET /v', { 'x-sd-device-class': 'phone' }, 0)).toBeUndefined();
    c.store(
      'GET /v',
      { 'x-sd-device-class': 'phone' },
      obj(1, { headers: vary, body: Buffer.from('phone') }),
    );
    expect(c.lookup('GET /v', { 'x-sd-device-class': 'tv' }, 0)?.body.toString()).toBe('tv');
    expect(c.lookup('GET /v', { 'x-sd-device-class': 'phone' }, 0)?.body.toString()).toBe('phone');
    expect(c.objects).toBe(2);
    expect(c.store('GET /star', {}, obj(1, { headers: { vary: '*' } }))).toBe(false);
    expect(varyNames('Accept-Encoding, x-sd-device-class')).toEqual(['accept-encoding', 'x-sd-device-class']);
  });

  it('purges', () => {
    const c = new LruCache();
    c.store('GET /a', {}, obj(10));
    c.purge();
    expect(c.objects).toBe(0);
    expect(c.lookup('GET /a', {}, 0)).toBeUndefined();
  });
});
