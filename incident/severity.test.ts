import { describe, expect, it } from 'vitest';
import type { ImpactFigures, ImpactSample } from './impact.ts';
import { classify, compareSeverity, sustainedMax } from './severity.ts';

const fig = (affected: number, extra: Partial<ImpactFigures> = {}): ImpactFigures => ({
  viewers: 1000,
  rebufferingShare: affected,
  rebufferRatio: affected / 2,
  startFailureShare: 0,
  startAttempts: 10,
  videoStartFailureShare: 0,
  exitsBeforeStartShare: 0,
  playbackFailureShare: 0,
  affectedShare: affected,
  ...extra,
});

/** 15 s samples; `at(t)` gives global and per-region affected shares at t (seconds). */
function series(
  seconds: number,
  at: (t: number) => { global: number; emea: number; na: number; cannotStart?: number },
): ImpactSample[] {
  const out: ImpactSample[] = [];
  for (let t = 0; t <= seconds; t += 15) {
    const v = at(t);
    out.push({
      t: t * 1000,
      global: fig(
        v.global,
        v.cannotStart
          ? { startFailureShare: v.cannotStart, affectedShare: Math.max(v.global, v.cannotStart) }
          : {},
      ),
      slices: { region: { emea: fig(v.emea), na: fig(v.na) }, cdn: { 'cdn-a': fig(v.global) } },
    });
  }
  return out;
}

describe('severity classifier', () => {
  it('keeps only sustained values', () => {
    const s = series(300, (t) => ({ global: t >= 60 && t < 90 ? 0.5 : 0.01, emea: 0, na: 0 }));
    expect(sustainedMax(s, (x) => x.global.affectedShare, 60_000)).toBe(0.01);
  });

  it('calls a regional CDN incident SEV2 with EMEA in scope (the worked example)', () => {
    const s = series(1200, (t) =>
      t < 120 ? { global: 0.007, emea: 0.007, na: 0.007 } : { global: 0.055, emea: 0.095, na: 0.007 },
    );
    const c = classify(s, { faultsAt: 120_000, dashboardVisible: true });
    expect(c.severity).toBe('SEV2');
    expect(c.scope.region).toEqual(['emea']);
    expect(c.impactStart).toBe(120_000);
    expect(c.reasons.join(' ')).toMatch(/5\.5% of viewers affected/);
  });

  it('calls SEV1 when over a quarter cannot start', () => {
    const s = series(600, (t) => ({ global: 0.01, emea: 0.01, na: 0.01, cannotStart: t > 60 ? 0.6 : 0 }));
    expect(classify(s, { faultsAt: 60_000, dashboardVisible: true }).severity).toBe('SEV1');
  });

  it('calls a one-POP problem SEV3, a blip nothing, a fault without impact SEV4', () => {
    const pop = series(900, (t) => ({
      global: t > 60 ? 0.02 : 0.007,
      emea: t > 60 ? 0.035 : 0.007,
      na: 0.007,
    }));
    expect(classify(pop, { faultsAt: 60_000, dashboardVisible: true }).severity).toBe('SEV3');
    const blip = series(900, (t) => ({ global: t >= 120 && t < 135 ? 0.3 : 0.007, emea: 0.007, na: 0.007 }));
    expect(classify(blip, { faultsAt: 120_000, dashboardVisible: true }).severity).toBe('SEV4');
    const quiet = series(900, () => ({ global: 0.007, emea: 0.007, na: 0.007 }));
    expect(classify(quiet, { dashboardVisible: false }).severity).toBe('none');
  });

  it('compares the team’s call with the truth', () => {
    expect(compareSeverity('SEV2', 'SEV2')).toBe('correct');
    expect(compareSeverity('SEV1', 'SEV2')).toBe('over');
    expect(compareSeverity('SEV3', 'SEV2')).toBe('under');
    expect(compareSeverity(undefined, 'SEV2')).toBe('missing');
    expect(compareSeverity(undefined, 'none')).toBe('correct');
  });
});
