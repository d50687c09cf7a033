import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls, whereHttp } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { httpStatus } from './http-status.ts';

describe('http-status', () => {
  it('answers matching requests with its status; the first status fault to hit wins', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ id: 'a', type: 'http-status', status: 503, match: { pop: 'fra' } });
    reg.add({ id: 'b', type: 'http-status', status: 404 });
    expect(reg.decide({ component: 'edge', pop: 'fra' })).toEqual({ status: 503, faultIds: ['a'] });
    expect(reg.decide({ component: 'edge', pop: 'ams' })).toEqual({ status: 404, faultIds: ['b'] });
  });

  it('hits about its share of requests', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's');
    reg.add({ type: 'http-status', status: 500, share: 0.25 });
    let hits = 0;
    for (let i = 0; i < 4000; i++) if (reg.decide({ component: 'origin' }).status) hits++;
    expect(hits / 4000).toBeGreaterThan(0.22);
    expect(hits / 4000).toBeLessThan(0.28);
  });

  it('in the model: that status for the share', () => {
    expect(tierCalls(httpStatus, placeHttp(httpStatus, { status: 502, share: 0.3 }), false)).toEqual([
      'status(502, 0.3)',
    ]);
  });

  it('takes error statuses only', () => {
    expect(httpStatus.schema.safeParse({ type: 'http-status', status: 200 }).success).toBe(false);
    expect(
      httpStatus.schema.safeParse({ type: 'http-status', status: 503, shar: 1 }).error?.issues[0]?.message,
    ).toBe("unknown key 'shar' (http-status parameters: status, share)");
  });

  it('lives where it matches: one POP of a CDN is that CDN', () => {
    expect(
      whereHttp({ type: 'http-status', status: 503, match: { cdn: 'cdn-a', pop: 'ams', kind: 'segment' } }),
    ).toEqual([{ party: 'cdn', component: 'edge', cdn: ['cdn-a'], pop: ['ams'], owners: ['vendor:cdn-a'] }]);
    expect(
      whereHttp({ type: 'http-status', status: 503, match: { component: 'licence', drm: 'playready' } }),
    ).toEqual([{ party: 'drm', component: 'licence', drm: ['playready'], owners: ['sme:drm'] }]);
    expect(whereHttp({ type: 'http-status', status: 503, match: { component: 'origin' } })).toEqual([
      { party: 'origin', component: 'origin', origin: ['origin'], owners: ['sme:origin'] },
    ]);
  });
});
