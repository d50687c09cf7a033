/**
 * Ground-truth impact, sampled at every evaluation tick and journaled as `impact.sample`: the
 * figures the severity grid is written in (who cannot start, who is rebuffering), globally and per
 * region, CDN, POP, ISP and device class. The classifier and scoring read only these samples.
 */
import type { JournalEventOf } from '../core/journal-events.ts';
import type { LabelKey, QoeMetrics } from '../metrics/engine.ts';
import type { EngineMetricSource } from '../rules/metric-source.ts';

// A type, not an interface: the journal's schema holds figures as numbers by name, and only an
// object type (not an interface) is assignable to a record of numbers.
export type ImpactFigures = {
  /** Current viewers (weighted). */
  viewers: number;
  /** Share of current viewers rebuffering now. */
  rebufferingShare: number;
  /** Stalled time / watch time over the window. */
  rebufferRatio: number;
  /** Share of start attempts in the window that failed (VSF) or were abandoned (EBVS). */
  startFailureShare: number;
  startAttempts: number;
  /** Share of start attempts that failed with a fatal error (video start failure, VSF). */
  videoStartFailureShare: number;
  /** Share of start attempts abandoned before the first frame (exits before video start, EBVS). */
  exitsBeforeStartShare: number;
  /** Share of sessions that failed after starting (playback failure). */
  playbackFailureShare: number;
  /** Viewers affected: rebuffering now, or failing to start (weighted counts summed). */
  affectedShare: number;
};

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
  const rebuffering = m.rebufferingNow;
  const failedStarts = m.videoStartFailures + m.exitsBeforeVideoStart;
  const attempts = m.startAttempts;
  const startFailureShare = attempts > 0 ? failedStarts / attempts : 0;
  // Affected viewers: those rebuffering now, those whose start failed in the window and those
  // whose playback broke in the window, over everyone who is watching or tried to.
  const broken = m.playbackFailures;
  const population = m.currentViewers + failedStarts + broken;
  return {
    viewers: m.currentViewers,
    rebufferingShare: (m.rebufferingNowPct ?? 0) / 100,
    rebufferRatio: (m.stalledTimePct ?? 0) / 100,
    startFailureShare,
    startAttempts: attempts,
    videoStartFailureShare: attempts > 0 ? m.videoStartFailures / attempts : 0,
    exitsBeforeStartShare: attempts > 0 ? m.exitsBeforeVideoStart / attempts : 0,
    playbackFailureShare: (m.playbackFailurePct ?? 0) / 100,
    affectedShare: population > 0 ? (rebuffering + failedStarts + broken) / population : 0,
  };
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
