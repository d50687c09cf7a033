import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { cacheControlMalformed } from './cache-control-malformed.ts';

describe('cache-control-malformed', () => {
  it('sets a Cache-Control caches cannot honour on every matching response', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ id: 'cc', type: 'cache-control-malformed', match: { component: 'shield' } });
    expect(reg.decide({ component: 'shield', kind: 'segment' })).toEqual({
      headers: { 'cache-control': 'max-age=,, public;;' },
      faultIds: ['cc'],
    });
  });

  it('in the model: what the tier sends cannot be stored below it', () => {
    expect(tierCalls(cacheControlMalformed, placeHttp(cacheControlMalformed, {}), false)).toEqual([
      'uncacheable()',
    ]);
  });
});
