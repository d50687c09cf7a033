import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../test/support/faults.ts';
import { flag } from './flag.ts';

describe('flag', () => {
  it('compiles to the stack’s flag call (on unless enabled: false)', () => {
    expect(flag.compile({ flag: 'ad-pod', brokenFor: ['tv'] })).toEqual({
      layer: 'flag',
      flag: 'ad-pod',
      enabled: true,
      brokenFor: ['tv'],
    });
  });

  it('refuses unknown flags and device classes', () => {
    expect(
      flag.check({ flag: 'low-latency', brokenFor: ['toaster'] }, TARGETS).map((i) => i.message),
    ).toEqual([
      "unknown feature flag 'low-latency' (flags: ad-pod)",
      "unknown device class 'toaster' (device classes: desktop, mobile, tv)",
    ]);
  });

  it('lives with the ads, on the devices it breaks', () => {
    expect(flag.locate({ flag: 'ad-pod', brokenFor: ['tv'] })).toEqual([
      { party: 'ads', component: 'ad-pod', flag: 'ad-pod', deviceClass: ['tv'], owners: ['sme:ads'] },
    ]);
  });
});
