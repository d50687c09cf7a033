/**
 * Feature flags. The one the playbook cares about is an ad pod: while `ad-pod` is on, every
 * `breakEverySegments` segments an ad break of `breakSegments` segments plays, and its creative
 * breaks playback on the device classes in `brokenFor` (their segments come back undecodable).
 * Disabling the flag is one of the four mitigations.
 */
import type { Clock } from '../../core/clock.ts';
import type { SegmentContext, SegmentOverride } from '../packager/origin.ts';

export interface AdPodFlag {
  enabled: boolean;
  brokenFor: string[];
  breakEverySegments: number;
  breakSegments: number;
}

export interface FlagChange {
  flag: string;
  enabled: boolean;
  atMs: number;
}

/** The feature flags the stack has. */
export const FEATURE_FLAGS = ['ad-pod'] as const;

export class FlagError extends Error {
  readonly statusCode = 400;
}

export class FeatureFlags {
  readonly adPod: AdPodFlag = { enabled: false, brokenFor: [], breakEverySegments: 15, breakSegments: 2 };
  private readonly listeners = new Set<(c: FlagChange) => void>();

  constructor(private readonly clock: Clock) {}

  list(): Record<string, unknown> {
    return { 'ad-pod': { ...this.adPod } };
  }

  set(flag: string, enabled: boolean, options: { brokenFor?: string[] } = {}): FlagChange {
    if (flag !== 'ad-pod')
      throw new FlagError(`unknown feature flag '${flag}' (flags: ${FEATURE_FLAGS.join(', ')})`);
    this.adPod.enabled = enabled;
    if (options.brokenFor) this.adPod.brokenFor = [...options.brokenFor];
    const change = { flag, enabled, atMs: this.clock.now() };
    for (const l of this.listeners) l(change);
    return change;
  }

  onChange(listener: (c: FlagChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The origin's per-segment hook: ad-break segments vary by device class and break on some. */
  segmentOverride = (ctx: SegmentContext): SegmentOverride | undefined => {
    const a = this.adPod;
    if (!a.enabled) return undefined;
    if (ctx.n % a.breakEverySegments >= a.breakSegments) return undefined;
    const broken =
      ctx.kind === 'video' && ctx.deviceClass !== undefined && a.brokenFor.includes(ctx.deviceClass);
    return { vary: 'X-SD-Device-Class', corrupt: broken };
  };
}
