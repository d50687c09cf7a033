/**
 * The severity grid as data, and a classifier that computes the true severity of a run from its
 * journaled ground-truth impact. Thresholds are the playbook's (article lines 14-17).
 */
import type { ImpactFigures, ImpactSample } from './impact.ts';
import type { Severity } from './runbook.ts';

export const SEVERITY_GRID = {
  SEV1: {
    trigger:
      'Global outage or core feature broken with no workaround: >25% of viewers cannot start a stream, or rebuffer ratio >15% globally for >2 min',
    cannotStartAbove: 0.25,
    globalRebufferRatioAbove: 0.15,
    rebufferSustainMs: 120_000,
    line: 14,
  },
  SEV2: {
    trigger:
      'Major degradation with workaround or regional outage: >5% of viewers affected; a single region, CDN or device class broken',
    affectedAbove: 0.05,
    /** A slice (region, CDN, device class) counts as broken when this share of it is affected. */
    sliceBrokenAbove: 0.25,
    line: 15,
  },
  SEV3: {
    trigger: 'Localised or partial degradation: <5% of viewers affected, workaround obvious',
    /** Global affected share above the pre-fault baseline, or a POP/ISP with this share affected. */
    affectedAboveBaseline: 0.01,
    localAbove: 0.05,
    line: 16,
  },
  SEV4: { trigger: 'Minor anomaly, dashboard-visible but not user-visible', line: 17 },
} as const;

/** A condition must hold this long to count: a fifteen-second blip is noise (article line 6). */
export const SUSTAIN_MS = 60_000;

export interface Classification {
  severity: Severity | 'none';
  /** Why, in words, with the figures. */
  reasons: string[];
  /** The slices that were broken or most affected. */
  scope: Record<string, string[]>;
  /** First time the user-visible impact exceeded the baseline (ms), if any. */
  impactStart?: number;
  /** Peak sustained figures. */
  peak: { affectedShare: number; cannotStartShare: number; rebufferRatio: number; rebufferingShare: number };
  baseline: { affectedShare: number };
}

/** The highest value `value` kept for at least `holdMs` (max over time of the rolling minimum). */
export function sustainedMax(
  samples: ImpactSample[],
  value: (s: ImpactSample) => number | undefined,
  holdMs: number,
): number {
  let best = 0;
  for (let i = 0; i < samples.length; i++) {
    const start = samples[i]!.t;
    let min = Number.POSITIVE_INFINITY;
    let covered = false;
    for (let j = i; j < samples.length; j++) {
      const v = value(samples[j]!);
      if (v === undefined) break;
      min = Math.min(min, v);
      if (samples[j]!.t - start >= holdMs) {
        covered = true;
        break;
      }
    }
    if (covered) best = Math.max(best, min);
  }
  return best;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * Classifies a run. `faultsAt` is when the first fault was applied (its pre-fault samples give the
 * baseline); `dashboardVisible` says whether any fault was in force at all.
 */
export function classify(
  samples: ImpactSample[],
  opts: { faultsAt?: number; dashboardVisible: boolean },
): Classification {
  const g = SEVERITY_GRID;
  const pre = samples
    .filter((s) => opts.faultsAt === undefined || s.t < opts.faultsAt)
    .filter((s) => s.global.viewers > 0);
  const baseAffected = pre.length > 0 ? pre.reduce((n, s) => n + s.global.affectedShare, 0) / pre.length : 0;
  const glob = (f: (x: ImpactFigures) => number) => sustainedMax(samples, (s) => f(s.global), SUSTAIN_MS);
  const peak = {
    affectedShare: glob((x) => x.affectedShare),
    cannotStartShare: glob((x) => x.startFailureShare),
    rebufferingShare: glob((x) => x.rebufferingShare),
    rebufferRatio: sustainedMax(samples, (s) => s.global.rebufferRatio, g.SEV1.rebufferSustainMs),
  };
  const reasons: string[] = [];
  const scope: Record<string, string[]> = {};
  const addScope = (key: string, name: string): void => {
    const list = scope[key] ?? [];
    if (!list.includes(name)) list.push(name);
    scope[key] = list;
  };
  const sliceSustained = (key: 'region' | 'cdn' | 'device' | 'pop' | 'isp' | 'channel') => {
    const names = new Set(samples.flatMap((s) => Object.keys(s.slices[key] ?? {})));
    return [...names].map((name) => ({
      name,
      affected: sustainedMax(samples, (s) => s.slices[key]?.[name]?.affectedShare, SUSTAIN_MS),
    }));
  };
  const impactStart = samples.find(
    (s) =>
      s.global.affectedShare > baseAffected + g.SEV3.affectedAboveBaseline &&
      (opts.faultsAt === undefined || s.t >= opts.faultsAt),
  )?.t;
  const result = (severity: Classification['severity']): Classification => ({
    severity,
    reasons,
    scope,
    ...(impactStart !== undefined && severity !== 'none' && severity !== 'SEV4' ? { impactStart } : {}),
    peak,
    baseline: { affectedShare: baseAffected },
  });

  // Start failures confined to one device class or DRM system are that slice broken (SEV2: "a
  // specific DRM failing"), not a global outage, however many attempts its viewers retry.
  const confined = (['device', 'drm'] as const)
    .map((key) => {
      const names = [...new Set(samples.flatMap((s) => Object.keys(s.slices[key] ?? {})))];
      const bad = names.filter(
        (n) =>
          sustainedMax(samples, (s) => s.slices[key]?.[n]?.startFailureShare, SUSTAIN_MS) >
          g.SEV1.cannotStartAbove,
      );
      return { key, bad, total: names.length };
    })
    .find((x) => x.total > 1 && x.bad.length === 1);
  if (peak.cannotStartShare > g.SEV1.cannotStartAbove && !confined) {
    reasons.push(
      `${pct(peak.cannotStartShare)} of start attempts failed for over a minute (SEV1: >25% cannot start, line 14)`,
    );
    return result('SEV1');
  }
  if (confined) {
    addScope(confined.key, confined.bad[0]!);
    reasons.push(
      `start failures confined to ${confined.key} ${confined.bad[0]} (SEV2: a single device class or DRM broken, line 15)`,
    );
  }
  if (peak.rebufferRatio > g.SEV1.globalRebufferRatioAbove) {
    reasons.push(
      `global rebuffer ratio ${pct(peak.rebufferRatio)} for over 2 minutes (SEV1: >15% for >2 min, line 14)`,
    );
    return result('SEV1');
  }
  const broken = (['region', 'cdn', 'device', 'channel'] as const).flatMap((key) =>
    sliceSustained(key)
      .filter((x) => x.affected > g.SEV2.sliceBrokenAbove)
      .map((x) => ({ key, ...x })),
  );
  for (const b of broken) addScope(b.key, b.name);
  if (peak.affectedShare > g.SEV2.affectedAbove) {
    reasons.push(`${pct(peak.affectedShare)} of viewers affected for over a minute (SEV2: >5%, line 15)`);
  }
  if (broken.length > 0) {
    reasons.push(
      `broken: ${broken.map((b) => `${b.key} ${b.name} (${pct(b.affected)} affected)`).join(', ')} (SEV2: a single region, CDN or device class broken, line 15)`,
    );
  }
  const regional = (['region', 'cdn', 'device'] as const).flatMap((key) =>
    sliceSustained(key)
      .filter((x) => x.affected > g.SEV2.affectedAbove)
      .map((x) => ({ key, ...x })),
  );
  if (peak.affectedShare > g.SEV2.affectedAbove || broken.length > 0 || confined) {
    for (const r of regional) addScope(r.key, r.name);
    return result('SEV2');
  }
  const local = (['pop', 'isp', 'region', 'cdn', 'device'] as const).flatMap((key) =>
    sliceSustained(key)
      .filter((x) => x.affected > g.SEV3.localAbove)
      .map((x) => ({ key, ...x })),
  );
  if (peak.affectedShare > baseAffected + g.SEV3.affectedAboveBaseline || local.length > 0) {
    for (const l of local) addScope(l.key, l.name);
    reasons.push(
      `${pct(peak.affectedShare)} of viewers affected at peak (baseline ${pct(baseAffected)})${local.length ? `; localised to ${local.map((l) => `${l.key} ${l.name}`).join(', ')}` : ''} (SEV3: <5%, localised, line 16)`,
    );
    return result('SEV3');
  }
  if (opts.dashboardVisible) {
    reasons.push(
      'faults were in force but no user-visible impact above baseline (SEV4: dashboard-visible only, line 17)',
    );
    return result('SEV4');
  }
  reasons.push('no fault and no user-visible impact');
  return result('none');
}

const ORDER: Record<string, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4, none: 5 };

/** The team's call against the truth: correct, over- or under-classified (SEV1 is the highest). */
export function compareSeverity(
  declared: string | undefined,
  truth: string,
): 'correct' | 'over' | 'under' | 'missing' {
  if (!declared) return truth === 'none' || truth === 'SEV4' ? 'correct' : 'missing';
  const d = ORDER[declared] ?? 5;
  const t = ORDER[truth] ?? 5;
  return d === t ? 'correct' : d < t ? 'over' : 'under';
}
