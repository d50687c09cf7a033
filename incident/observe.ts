/**
 * What a responder can see: QoE sliced by any label over the last minute (the analytics
 * dashboards), and what changed (deploys and feature flags — "what shipped today?"). Faults
 * themselves are not visible: the team has to find them, as in a real incident.
 */
import type { LabelFilter, LabelKey } from '../metrics/engine.ts';
import type { QoeSource } from '../metrics/incremental.ts';
import type { EngineMetricSource } from '../rules/metric-source.ts';
import { figures, type ImpactFigures } from './impact.ts';

export interface Change {
  kind: 'deploy' | 'flag';
  atMs: number;
  component?: string;
  version?: string;
  flag?: string;
  enabled?: boolean;
}

export interface Observations {
  now(): number;
  /** Impact figures per value of a label over the last minute, within a filter. */
  bySlice(key: LabelKey, filter?: LabelFilter): Record<string, ImpactFigures>;
  overall(filter?: LabelFilter): ImpactFigures;
  changes(): Change[];
}

const WINDOW_MS = 60_000;

/** What a team sees changing on a stack (real or virtual): its deploy log and feature-flag flips. */
export function watchChanges(stack: {
  deploys: { log(): { atMs: number; component: string; version: string }[] };
  flags: { onChange(l: (c: { atMs: number; flag: string; enabled: boolean }) => void): unknown };
}): () => Change[] {
  const flagLog: Change[] = [];
  stack.flags.onChange((c) => flagLog.push({ kind: 'flag', atMs: c.atMs, flag: c.flag, enabled: c.enabled }));
  return () => [
    ...stack.deploys
      .log()
      .map((d) => ({ kind: 'deploy' as const, atMs: d.atMs, component: d.component, version: d.version })),
    ...flagLog,
  ];
}

export class EngineObservations implements Observations {
  constructor(
    private readonly engine: QoeSource,
    private readonly source: EngineMetricSource,
    private readonly clockNow: () => number,
    private readonly changeLog: () => Change[],
  ) {}

  now(): number {
    return this.clockNow();
  }

  bySlice(key: LabelKey, filter: LabelFilter = {}): Record<string, ImpactFigures> {
    const at = this.clockNow();
    const out: Record<string, ImpactFigures> = {};
    for (const v of this.engine.labelValues(key, at, WINDOW_MS)) {
      out[v] = figures(this.source.snapshot(at, WINDOW_MS, { ...filter, [key]: v }));
    }
    return out;
  }

  overall(filter: LabelFilter = {}): ImpactFigures {
    return figures(this.source.snapshot(this.clockNow(), WINDOW_MS, filter));
  }

  changes(): Change[] {
    return this.changeLog();
  }
}
