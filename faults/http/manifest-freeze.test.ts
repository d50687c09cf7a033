import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { TARGETS, whereHttp } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';

describe('manifest-freeze', () => {
  it('freezes the channel at the moment it was added, on the origins it matches; no request effect', () => {
    const clock = new VirtualClock(1000);
    const reg = new FaultRegistry(clock, 's', TARGETS);
    reg.add({ type: 'manifest-freeze', match: { component: 'origin', channel: 'sport' } });
    clock.advanceTo(5000);
    reg.add({ type: 'manifest-freeze', match: { channel: 'sport' } });
    expect(reg.channelState('sport', 'clear')?.frozenAtMs).toBe(1000);
    expect(reg.channelState('sport', 'clear', 'backup-origin')?.frozenAtMs).toBe(5000);
    expect(reg.channelState('news', 'clear')).toBeUndefined();
    expect(reg.decide({ component: 'origin', channel: 'sport', kind: 'manifest' }).faultIds).toEqual([]);
  });

  it("lives in the packager: the primary's only, or both", () => {
    expect(whereHttp({ type: 'manifest-freeze', match: { component: 'origin', channel: 'sport' } })).toEqual([
      {
        party: 'packager',
        component: 'packager',
        origin: ['origin'],
        channel: ['sport'],
        owners: ['sme:packager'],
      },
    ]);
    expect(whereHttp({ type: 'manifest-freeze' })[0]?.origin).toEqual(['origin', 'backup-origin']);
  });

  it('refuses a match it cannot act on (a CDN POP does not package)', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    expect(() => reg.add({ type: 'manifest-freeze', match: { cdn: 'cdn-a' } })).toThrow(
      'match: matches nothing manifest-freeze acts on: it acts on origin, backup-origin (manifest) requests',
    );
  });
});
