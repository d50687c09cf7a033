import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { httpDelay } from './http-delay.ts';

describe('http-delay', () => {
  it('delays matching requests; delays of several faults add up', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ id: 'a', type: 'http-delay', delayMs: 300, match: { kind: 'segment' } });
    reg.add({ id: 'b', type: 'http-delay', delayMs: 200, match: { component: 'edge' } });
    expect(reg.decide({ component: 'edge', kind: 'segment' })).toEqual({
      delayMs: 500,
      faultIds: ['a', 'b'],
    });
    expect(reg.decide({ component: 'shield', kind: 'manifest' })).toEqual({ faultIds: [] });
  });

  it('in the model: the delay for the share', () => {
    expect(tierCalls(httpDelay, placeHttp(httpDelay, { delayMs: 6000, share: 0.1 }), false)).toEqual([
      'delay(6000, 0.1)',
    ]);
  });

  it('refuses delays beyond 10 minutes (Node would fire an overflowing timer at once)', () => {
    const r = httpDelay.schema.safeParse({ type: 'http-delay', delayMs: 4294967296 });
    expect(r.error?.issues[0]?.message).toBe('at most 600000 ms (10 minutes)');
    expect(httpDelay.rampable).toEqual({ delayMs: { int: true }, share: { int: false, default: 1 } });
  });
});
