/**
 * Impact in numbers for the report and the review: the peak affected share and where, how long
 * users were affected, and how many viewers that was (estimated from the weighted samples).
 */
import type { ImpactSample } from '../../incident/impact.ts';
import type { ReportModel } from './load.ts';

/** Same margin the severity grid uses for "above baseline" (SEV3: 0.5 points). */
const ABOVE_BASELINE = 0.005;

export interface ImpactSummary {
  baseline: number;
  peak: { share: number; t: number; viewers: number } | null;
  /** The worst slice per dimension (region, cdn, pop, isp, device) at its own peak. */
  worst: { dimension: string; name: string; share: number; t: number; viewers: number }[];
  start: number | null;
  end: number | null;
  durationMs: number | null;
  /** Viewers affected beyond the baseline at the peak (weighted). */
  peakViewersAffected: number;
  /** Affected viewer-minutes above the baseline, integrated over the samples. */
  excessViewerMinutes: number;
  /** How many viewers one model/real session stands for, when the run says. */
  weight: number | null;
}

export function summarizeImpact(m: ReportModel): ImpactSummary {
  const samples = m.samples.filter((s) => s.global && typeof s.global.affectedShare === 'number');
  const firstFault = m.faults[0]?.appliedAt;
  const pre = samples.filter((s) => (firstFault === undefined || s.t < firstFault) && s.global.viewers > 0);
  const baseline = pre.length ? pre.reduce((n, s) => n + s.global.affectedShare, 0) / pre.length : 0;
  let peak: ImpactSummary['peak'] = null;
  for (const s of samples)
    if (!peak || s.global.affectedShare > peak.share)
      peak = { share: s.global.affectedShare, t: s.t, viewers: s.global.viewers };
  const worst: ImpactSummary['worst'] = [];
  for (const dimension of ['region', 'cdn', 'pop', 'isp', 'device'] as const) {
    let best: ImpactSummary['worst'][number] | null = null;
    for (const s of samples)
      for (const [name, f] of Object.entries(s.slices[dimension] ?? {}))
        if (f.viewers > 0 && (!best || f.affectedShare > best.share))
          best = { dimension, name, share: f.affectedShare, t: s.t, viewers: f.viewers };
    if (best) worst.push(best);
  }
  const above = (s: ImpactSample) =>
    s.global.affectedShare > baseline + ABOVE_BASELINE && (firstFault === undefined || s.t >= firstFault);
  const start = m.scorecard.times.impactStart ?? samples.find(above)?.t ?? null;
  const end = start === null ? null : ([...samples].reverse().find(above)?.t ?? null);
  const step = samples.length > 1 ? samples[1]!.t - samples[0]!.t : 0;
  let excess = 0;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    const extra = Math.max(0, s.global.affectedShare - baseline) * s.global.viewers;
    excess += (extra * (s.t - samples[i - 1]!.t)) / 60_000;
  }
  const { viewers, sessions } = m.run;
  return {
    baseline,
    peak,
    worst: worst.sort((a, b) => b.share - a.share),
    start,
    end,
    // The last sample above baseline stands for the interval up to the next one.
    durationMs: start !== null && end !== null ? end - start + step : null,
    peakViewersAffected: peak ? Math.max(0, peak.share - baseline) * peak.viewers : 0,
    excessViewerMinutes: excess,
    weight: viewers && sessions ? viewers / sessions : null,
  };
}
