import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls, whereHttp } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { httpHang } from './http-hang.ts';

describe('http-hang', () => {
  it('holds matching requests unanswered', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ id: 'h', type: 'http-hang', match: { component: 'licence', drm: 'widevine' } });
    expect(reg.decide({ component: 'licence', kind: 'licence', drm: 'widevine' })).toEqual({
      hang: true,
      faultIds: ['h'],
    });
    expect(reg.decide({ component: 'licence', kind: 'licence', drm: 'playready' }).hang).toBeUndefined();
  });

  it('in the model: that share hangs', () => {
    expect(tierCalls(httpHang, placeHttp(httpHang, { share: 0.5 }), true)).toEqual(['hang(0.5)']);
  });

  it('a hung steering service lives with steering', () => {
    expect(whereHttp({ type: 'http-hang', match: { component: 'steering', region: 'emea' } })).toEqual([
      { party: 'steering', component: 'steering', region: ['emea'], owners: ['sme:steering'] },
    ]);
  });
});
