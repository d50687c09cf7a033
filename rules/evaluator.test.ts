import { describe, expect, it } from 'vitest';
import type { MetricGroup, MetricQuery, MetricSource } from './evaluator.ts';
import { AlertEvaluator } from './evaluator.ts';
import { loadRules } from './load.ts';
import { RuleFileSchema } from './schema.ts';

/** A metric source whose values are a function of (metric, region, time). */
function source(
  fn: (metric: string, region: string, at: number, windowMs: number) => number | null,
): MetricSource {
  return {
    query(q: MetricQuery): MetricGroup[] {
      // A healthy bitrate unless the test says otherwise, so bitrate rules stay quiet.
      const value = (region: string) =>
        q.metric === 'average_bitrate' ? 500_000 : fn(q.metric, region, q.at, q.windowMs);
      return ['emea', 'na'].map((region) => ({ labels: { region }, value: value(region), viewers: 1000 }));
    },
  };
}

const S = 1000;
const M = 60 * S;

function run(ev: AlertEvaluator, src: MetricSource, untilMs: number, stepMs = 15 * S) {
  const all = [];
  for (let t = 0; t <= untilMs; t += stepMs) all.push(...ev.evaluate(src, t));
  return all;
}

describe('alert evaluator', () => {
  it('pages on EMEA only, after the for duration, and resolves when it recovers', async () => {
    const ev = new AlertEvaluator(await loadRules());
    const src = source((metric, region, at) => {
      if (metric !== 'rebuffering_share') return 0;
      return region === 'emea' && at >= 2 * M && at < 10 * M ? 0.07 : 0.007;
    });
    const transitions = run(ev, src, 15 * M);
    const page = transitions.filter((t) => t.rule === 'RebufferPage');
    expect(page.map((t) => [t.state, t.labels.region, t.at])).toEqual([
      ['pending', 'emea', 2 * M],
      ['firing', 'emea', 3 * M],
      ['resolved', 'emea', 10 * M],
    ]);
    expect(transitions.some((t) => t.labels.region === 'na')).toBe(false);
    expect(transitions.find((t) => t.rule === 'RebufferInvestigate' && t.state === 'firing')?.at).toBe(4 * M);
  });

  it('does not page on a 15-second blip', async () => {
    const ev = new AlertEvaluator(await loadRules());
    const src = source((metric, region, at) =>
      metric === 'rebuffering_share' && region === 'emea' && at >= 60 * S && at < 75 * S ? 0.3 : 0.007,
    );
    const transitions = run(ev, src, 10 * M);
    expect(transitions.filter((t) => t.state === 'firing')).toEqual([]);
  });

  it('fires a burn-rate alert only when both windows burn', () => {
    const file = RuleFileSchema.parse({
      version: 1,
      slos: [{ name: 'availability', metric: 'video_start_failure', target: 0.99, window: '30d' }],
      rules: [
        {
          name: 'Burn',
          slo: 'availability',
          burnRate: { long: '1h', short: '5m', factor: 10 },
          action: 'page',
        },
      ],
    });
    const ev = new AlertEvaluator(file);
    // Budget 1%: 15% failures is a 15x burn. The short window sees it first, the long one later.
    const burning = source((_m, region, at, windowMs) =>
      region !== 'emea' ? 0 : windowMs <= 5 * M ? 0.15 : at > 20 * M ? 0.15 : 0.05,
    );
    const transitions = run(ev, burning, 30 * M, M);
    const fired = transitions.filter((t) => t.state === 'firing');
    expect(fired).toHaveLength(1);
    expect(fired[0]!.at).toBe(21 * M);
    expect(fired[0]!.labels).toEqual({ region: 'emea', slo: 'availability' });
  });

  it('ignores groups below minViewers', () => {
    const file = RuleFileSchema.parse({
      version: 1,
      rules: [
        {
          name: 'X',
          metric: 'rebuffering_share',
          threshold: 0.05,
          groupBy: ['region'],
          minViewers: 5000,
          action: 'page',
        },
      ],
    });
    const ev = new AlertEvaluator(file);
    expect(
      run(
        ev,
        source(() => 0.5),
        60 * S,
      ),
    ).toEqual([]);
  });
});
