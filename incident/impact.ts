/**
 * Ground-truth impact, sampled at every evaluation tick and journaled as `impact.sample`: the
 * figures the severity grid is written in (who cannot start, who is rebuffering), globally and per
 * region, CDN, POP, ISP and device class. The classifier and scoring read only these samples.
 */
import type { JournalEventOf } from '../core/journal-events.ts';
import { IMPACT_METRICS, type ImpactField } from '../metrics/catalogue.ts';
import type { LabelKey, QoeMetrics } from '../metrics/engine.ts';
import type { EngineMetricSource } from '../rules/metric-source.ts';

/**
 * The impact figures: the catalogue's metrics that carry an `impact` field (viewers, rebuffering
 * share, rebuffer ratio, start failure, start attempts, VSF, EBVS, playback failure, affected
 * share), an undefined ratio (no viewers, no attempts) read as 0.
 */
export type ImpactFigures = Record<ImpactField, number>;

export type ImpactSlices = Partial<
  Record<'region' | 'cdn' | 'pop' | 'isp' | 'device' | 'channel' | 'drm', Record<string, ImpactFigures>>
>;

export interface ImpactSample {
  t: number;
  global: ImpactFigures;
  slices: ImpactSlices;
}

/**
 * An `impact.sample` journal event as the sample it records. The journal validates the figures
 * as numbers by name (core/journal-events.ts); these are their names. Journals written before a
 * figure existed lack it.
 */
export function impactSampleOf(e: JournalEventOf<'impact.sample'>): ImpactSample {
  return { t: e.t, global: e.global as ImpactFigures, slices: e.slices as ImpactSlices };
}

export const IMPACT_SLICES = ['region', 'cdn', 'pop', 'isp', 'device', 'channel', 'drm'] as const;
/** Window the impact figures are computed over. */
export const IMPACT_WINDOW_MS = 60_000;

export function figures(m: QoeMetrics): ImpactFigures {
  const out = {} as ImpactFigures;
  for (const def of IMPACT_METRICS) out[def.impact] = def.value(m) ?? 0;
  return out;
}

export function sampleImpact(
  source: EngineMetricSource,
  engineLabelValues: (k: LabelKey, at: number) => string[],
  at: number,
): ImpactSample {
  const slices: ImpactSlices = {};
  for (const key of IMPACT_SLICES) {
    const out: Record<string, ImpactFigures> = {};
    for (const v of engineLabelValues(key, at))
      out[v] = figures(source.snapshot(at, IMPACT_WINDOW_MS, { [key]: v }));
    slices[key] = out;
  }
  return { t: at, global: figures(source.snapshot(at, IMPACT_WINDOW_MS, {})), slices };
}
