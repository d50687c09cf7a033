import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { TARGETS } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { avDrift } from './av-drift.ts';

describe('av-drift', () => {
  it('drifts audio by msPerMinute per minute of fault, growing with the clock', () => {
    const clock = new VirtualClock(0);
    const reg = new FaultRegistry(clock, 's', TARGETS);
    reg.add({ type: 'av-drift', msPerMinute: 600, match: { channel: 'news' } });
    const offset = reg.channelState('news', 'enc')!.audioOffsetMs!;
    expect(offset(1)).toBe(0);
    clock.advanceTo(120_000);
    expect(offset(1)).toBe(1200);
  });

  it('takes at most a minute of drift per minute', () => {
    expect(avDrift.schema.safeParse({ type: 'av-drift', msPerMinute: 90_000 }).success).toBe(false);
  });
});
