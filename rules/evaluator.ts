/**
 * Evaluates alert rules on a metric source at each evaluation tick, with Prometheus semantics:
 * inactive → pending (condition true, `for` not yet elapsed) → firing → resolved. Every
 * transition is returned (and journaled by the caller).
 */
import type { MetricId, Where } from '../metrics/catalogue.ts';
import type { AlertAction, BurnRateRuleSpec, RuleFile, RuleSpec, ThresholdRuleSpec } from './schema.ts';

export interface MetricQuery {
  metric: MetricId;
  at: number;
  windowMs: number;
  where: Where;
  groupBy: readonly string[];
}

export interface MetricGroup {
  labels: Record<string, string>;
  value: number | null;
  /** Current viewers in the group (weighted), for minViewers. */
  viewers: number;
}

/** Anything that answers windowed metric queries: the live collector, the virtual engine, a replayed journal. */
export interface MetricSource {
  query(q: MetricQuery): MetricGroup[];
}

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface AlertTransition {
  rule: string;
  action: AlertAction;
  state: AlertState;
  labels: Record<string, string>;
  value: number | null;
  /** When the condition first held (pending since). */
  activeSince: number;
  at: number;
  summary: string;
}

interface Tracked {
  activeSince: number;
  firing: boolean;
  value: number | null;
  labels: Record<string, string>;
}

const key = (rule: string, labels: Record<string, string>) =>
  `${rule}|${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

const compare = (op: ThresholdRuleSpec['op'], v: number, t: number) =>
  op === '>' ? v > t : op === '>=' ? v >= t : op === '<' ? v < t : v <= t;

export class AlertEvaluator {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly file: RuleFile) {}

  get intervalMs(): number {
    return this.file.evaluationInterval;
  }

  /** Alerts that are firing now. */
  firing(): { rule: string; labels: Record<string, string> }[] {
    return [...this.tracked.entries()]
      .filter(([, t]) => t.firing)
      .map(([k, t]) => ({ rule: k.split('|')[0]!, labels: t.labels }));
  }

  evaluate(source: MetricSource, at: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const rule of this.file.rules) {
      const active = this.activeGroups(rule, source, at);
      const seen = new Set<string>();
      for (const g of active) {
        const k = key(rule.name, g.labels);
        seen.add(k);
        let t = this.tracked.get(k);
        if (!t) {
          t = { activeSince: at, firing: false, value: g.value, labels: g.labels };
          this.tracked.set(k, t);
          if (rule.for > 0) out.push(this.transition(rule, 'pending', t, at));
        }
        t.value = g.value;
        if (!t.firing && at - t.activeSince >= rule.for) {
          t.firing = true;
          out.push(this.transition(rule, 'firing', t, at));
        }
      }
      for (const [k, t] of this.tracked) {
        if (!k.startsWith(`${rule.name}|`) || seen.has(k)) continue;
        if (t.firing) out.push(this.transition(rule, 'resolved', t, at));
        this.tracked.delete(k);
      }
    }
    return out;
  }

  private activeGroups(
    rule: RuleSpec,
    source: MetricSource,
    at: number,
  ): { labels: Record<string, string>; value: number | null }[] {
    if ('metric' in rule) {
      return source
        .query({ metric: rule.metric, at, windowMs: rule.window, where: rule.where, groupBy: rule.groupBy })
        .filter(
          (g) =>
            g.value !== null && g.viewers >= rule.minViewers && compare(rule.op, g.value, rule.threshold),
        )
        .map((g) => ({ labels: { ...g.labels, ...rule.labels }, value: g.value }));
    }
    return this.burning(rule, source, at);
  }

  /** Multi-window burn rate: error ratio / error budget, over a long and a short window. */
  private burning(rule: BurnRateRuleSpec, source: MetricSource, at: number) {
    const slo = this.file.slos.find((s) => s.name === rule.slo)!;
    const budget = 1 - slo.target;
    const q = (windowMs: number) =>
      source.query({ metric: slo.metric, at, windowMs, where: rule.where, groupBy: rule.groupBy });
    const long = q(rule.burnRate.long);
    const short = new Map(q(rule.burnRate.short).map((g) => [key('', g.labels), g]));
    const out: { labels: Record<string, string>; value: number | null }[] = [];
    for (const g of long) {
      const s = short.get(key('', g.labels));
      if (g.value === null || !s || s.value === null) continue;
      const burnLong = g.value / budget;
      const burnShort = s.value / budget;
      if (burnLong > rule.burnRate.factor && burnShort > rule.burnRate.factor) {
        out.push({ labels: { ...g.labels, ...rule.labels, slo: slo.name }, value: burnLong });
      }
    }
    return out;
  }

  private transition(rule: RuleSpec, state: AlertState, t: Tracked, at: number): AlertTransition {
    const what =
      'metric' in rule
        ? `${rule.metric} ${rule.op} ${rule.threshold}`
        : `${rule.slo} burning > ${rule.burnRate.factor}x`;
    const where = Object.entries(t.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return {
      rule: rule.name,
      action: rule.action,
      state,
      labels: t.labels,
      value: t.value,
      activeSince: t.activeSince,
      at,
      summary: rule.summary ?? `${rule.name}: ${what}${where ? ` (${where})` : ''}`,
    };
  }
}
