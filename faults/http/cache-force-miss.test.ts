import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls, whereHttp } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { cacheForceMiss } from './cache-force-miss.ts';

describe('cache-force-miss', () => {
  it("bypasses the matching POPs' caches", () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({
      id: 'c',
      type: 'cache-force-miss',
      match: { component: 'shield', cdn: 'cdn-a', region: 'emea' },
    });
    expect(reg.decide({ component: 'shield', cdn: 'cdn-a', region: 'emea' })).toEqual({
      forceMiss: true,
      faultIds: ['c'],
    });
    expect(reg.decide({ component: 'shield', cdn: 'cdn-b', region: 'emea' }).forceMiss).toBeUndefined();
  });

  it('in the model: the cache misses that share', () => {
    expect(tierCalls(cacheForceMiss, placeHttp(cacheForceMiss, { share: 0.158 }), false)).toEqual([
      'forceMiss(0.158)',
    ]);
  });

  it('lives in the CDN whose caches it empties; an origin has no cache to miss', () => {
    expect(
      whereHttp({ type: 'cache-force-miss', match: { component: 'shield', cdn: 'cdn-a', region: 'emea' } }),
    ).toEqual([
      { party: 'cdn', component: 'shield', cdn: ['cdn-a'], region: ['emea'], owners: ['vendor:cdn-a'] },
    ]);
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    expect(() => reg.add({ type: 'cache-force-miss', match: { component: 'origin' } })).toThrow(
      /acts on edge, shield requests/,
    );
  });
});
