import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { TARGETS, whereHttp } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';

describe('segment-gap', () => {
  it('loses length segments out of every every; two gap faults combine', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ type: 'segment-gap', every: 5, length: 2, match: { channel: 'news' } });
    const gap = reg.channelState('news', 'clear')!.isGap!;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(gap)).toEqual([true, true, false, false, false, true, true, false]);
    reg.add({ type: 'segment-gap', every: 7, length: 1, match: { channel: 'news' } });
    expect(reg.channelState('news', 'clear')!.isGap!(7)).toBe(true);
    expect(reg.channelState('sport', 'clear')).toBeUndefined();
  });

  it('lives in the packager', () => {
    expect(whereHttp({ type: 'segment-gap', match: { channel: 'news' } })[0]?.party).toBe('packager');
  });
});
