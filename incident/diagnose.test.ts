import { describe, expect, it } from 'vitest';
import type { LabelFilter, LabelKey } from '../metrics/engine.ts';
import { diagnose } from './diagnose.ts';
import type { ImpactFigures } from './impact.ts';
import type { Change, Observations } from './observe.ts';

const f = (affected: number, viewers = 1000): ImpactFigures => ({
  viewers,
  rebufferingShare: affected,
  rebufferRatio: affected / 2,
  startFailureShare: 0,
  startAttempts: 10,
  videoStartFailureShare: 0,
  exitsBeforeStartShare: 0,
  playbackFailureShare: 0,
  affectedShare: affected,
});

/** Observations from a table of slices; anything not listed is healthy. */
function fake(
  table: Partial<Record<LabelKey, Record<string, number>>>,
  changes: Change[] = [],
): Observations {
  return {
    now: () => 0,
    bySlice: (key: LabelKey, _filter?: LabelFilter) =>
      Object.fromEntries(Object.entries(table[key] ?? { a: 0.007, b: 0.007 }).map(([k, v]) => [k, f(v)])),
    overall: () => f(0.02),
    changes: () => changes,
  };
}

describe('runbook bot diagnosis', () => {
  it('steers a region away from the CDN the impact is confined to (the worked example)', () => {
    const d = diagnose(fake({ cdn: { 'cdn-a': 0.09, 'cdn-b': 0.007 } }), { region: 'emea' });
    expect(d).toMatchObject({ lever: 'steer', args: { region: 'emea', cdn: 'cdn-b' } });
  });

  it('blames the ISP, not the CDN, when one ISP is bad on every CDN', () => {
    const d = diagnose(
      fake({ cdn: { 'cdn-a': 0.03, 'cdn-b': 0.03 }, isp: { 'eu-cable': 0.06, 'eu-telco': 0.007 } }),
      { region: 'emea' },
    );
    expect(d.lever).toBeUndefined();
    expect(d.escalate).toBe('vendor:eu-cable');
  });

  it('disables a flag when one device class broke after it went on', () => {
    const d = diagnose(
      fake({ device: { tv: 0.2, desktop: 0.007, mobile: 0.007 } }, [
        { kind: 'flag', atMs: 0, flag: 'ad-pod', enabled: true },
      ]),
      {},
    );
    expect(d).toMatchObject({ lever: 'disable-flag', args: { flag: 'ad-pod' } });
  });

  it('rolls back a fresh deploy, and fails over a stuck channel with nothing deployed', () => {
    const channel = { channel: { sport: 0.4, news: 0.007 } };
    expect(
      diagnose(fake(channel, [{ kind: 'deploy', atMs: 0, component: 'packager', version: '3.5.0' }]), {}),
    ).toMatchObject({
      lever: 'rollback',
      args: { component: 'packager' },
    });
    expect(diagnose(fake(channel), {})).toMatchObject({ lever: 'failover' });
  });

  it('escalates a licence problem on one DRM to the DRM specialist', () => {
    const d = diagnose(fake({ drm: { playready: 0.5, widevine: 0.01, fairplay: 0.01 } }), {});
    expect(d.escalate).toBe('sme:drm');
  });
});
