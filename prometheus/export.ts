/**
 * A run's series as a `promtool test rules` file: `input_series` in expanding notation (one point
 * per evaluation interval, time 0 = scenario time 0) and `alert_rule_test` cases at the evaluation
 * times that matter — every firing and resolution of streamdrill's own evaluation of the rule, the
 * tick before each firing (not early), and quiet checkpoints every few minutes.
 */
import { stringify } from 'yaml';
import { exportableMetrics, PROM_SLICE_LABELS, promAlertName, seriesSelector } from './metrics.ts';
import { expandingNotation, type SeriesPoint } from './notation.ts';
import { type ExpectedAlert, firingAt, labelsMatch, type RunData } from './run-data.ts';

export const DEFAULT_INTERVAL_MS = 15_000;
export const DEFAULT_QUIET_EVERY_MS = 5 * 60_000;

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpAlert {
  exp_labels: Record<string, string>;
  exp_annotations?: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpAlert[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: { name: string; interval: string; input_series: InputSeries[]; alert_rule_test: AlertRuleTest[] }[];
}

/** A Prometheus duration (`12m15s`, `1h`, `0s`). */
export function promDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/** Index of a time on the evaluation grid (time 0 = scenario start). */
const tick = (run: RunData, t: number, intervalMs: number) => Math.round((t - run.startMs) / intervalMs);

/**
 * Every exportable metric for the global population (no labels) and each slice (one label), as
 * expanding notation. A slice that disappears ends with `stale`, so it does not linger.
 */
export function buildInputSeries(run: RunData, intervalMs = DEFAULT_INTERVAL_MS): InputSeries[] {
  const byKey = new Map<string, { name: string; labels: Record<string, string>; points: SeriesPoint[] }>();
  const put = (name: string, labels: Record<string, string>, i: number, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || i < 0) return;
    const key = seriesSelector(name, labels);
    let s = byKey.get(key);
    if (!s) {
      s = { name, labels, points: [] };
      byKey.set(key, s);
    }
    s.points[i] = v;
  };
  for (const sample of run.samples) {
    const i = tick(run, sample.t, intervalMs);
    for (const { name, field } of exportableMetrics()) {
      put(name, {}, i, sample.global[field]);
      for (const label of PROM_SLICE_LABELS)
        for (const [value, figures] of Object.entries(sample.slices[label] ?? {}))
          put(name, { [label]: value }, i, figures[field]);
    }
  }
  const last = run.samples.length ? tick(run, run.samples.at(-1)!.t, intervalMs) : 0;
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([series, s]) => ({ series, values: expandingNotation(withStaleness(s.points, last)) }));
}

/** Fills holes: the first missing point after a value is `stale`, later ones are gaps. */
function withStaleness(points: SeriesPoint[], last: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let present = false;
  for (let i = 0; i <= last; i++) {
    const p = points[i];
    if (typeof p === 'number') {
      out.push(p);
      present = true;
    } else {
      out.push(present ? 'stale' : null);
      present = false;
    }
  }
  return out;
}

export interface CaseOptions {
  intervalMs?: number;
  quietEveryMs?: number;
  /** Static labels the Prometheus rule adds to the alert (e.g. {action: 'page'}). */
  staticLabels?: (alertname: string) => Record<string, string>;
  /** Expected annotations of an alert with these labels (promtool compares them exactly). */
  annotations?: (alertname: string, labels: Record<string, string>) => Record<string, string> | undefined;
  /** Scenario expectations to enforce on top of streamdrill's own evaluation. */
  expect?: { mustFire: ExpectedAlert[]; mustNotFire: ExpectedAlert[] } | null;
}

/** Evaluation times (ms after scenario start, on the grid) worth checking for one rule. */
export function checkpoints(run: RunData, rule: string, o: CaseOptions = {}): number[] {
  const interval = o.intervalMs ?? DEFAULT_INTERVAL_MS;
  const quiet = o.quietEveryMs ?? DEFAULT_QUIET_EVERY_MS;
  const lastTick = run.samples.length ? tick(run, run.samples.at(-1)!.t, interval) : 0;
  const ticks = new Set<number>();
  for (const a of run.alerts.filter((x) => x.rule === rule)) {
    const f = tick(run, a.firedAt, interval);
    ticks.add(f);
    ticks.add(f - 1);
    if (a.resolvedAt !== null) ticks.add(tick(run, a.resolvedAt, interval));
  }
  const quietTicks = Math.max(1, Math.round(quiet / interval));
  for (let k = quietTicks; k <= lastTick; k += quietTicks) ticks.add(k);
  ticks.add(lastTick);
  for (const m of o.expect?.mustFire ?? []) if (m.alert === rule) ticks.add(mustFireTick(run, m, interval));
  return [...ticks]
    .filter((k) => k >= 1 && k <= lastTick)
    .sort((a, b) => a - b)
    .map((k) => k * interval);
}

/**
 * When a mustFire expectation is checked: its first firing in streamdrill's own evaluation if that
 * came within the deadline, else the deadline (impact start + within; the end of the run without one).
 */
function mustFireTick(run: RunData, m: ExpectedAlert, interval: number): number {
  const from = run.impactStart ?? run.firstFault ?? run.startMs;
  const lastT = run.samples.at(-1)?.t ?? run.startMs;
  const deadline = m.within !== undefined ? Math.min(from + m.within, lastT) : lastT;
  const first = run.alerts
    .filter((a) => a.rule === m.alert && labelsMatch(m.labels, a.labels) && a.firedAt <= deadline)
    .sort((a, b) => a.firedAt - b.firedAt)[0];
  return Math.floor(((first?.firedAt ?? deadline) - run.startMs) / interval);
}

/** The alert_rule_test cases for the given rules (streamdrill names = Prometheus alert names). */
export function buildAlertTests(
  run: RunData,
  rules: readonly string[],
  o: CaseOptions = {},
): AlertRuleTest[] {
  const interval = o.intervalMs ?? DEFAULT_INTERVAL_MS;
  const out: AlertRuleTest[] = [];
  for (const rule of rules) {
    const alertname = promAlertName(rule);
    const mustNot = (o.expect?.mustNotFire ?? []).filter((m) => m.alert === rule);
    const mustFire = (o.expect?.mustFire ?? []).filter((m) => m.alert === rule);
    const mustFireTicks = new Map(mustFire.map((m) => [mustFireTick(run, m, interval), m] as const));
    for (const at of checkpoints(run, rule, o)) {
      let sets = firingAt(run, rule, run.startMs + at).map((a) => a.labels);
      sets = sets.filter((l) => !mustNot.some((m) => labelsMatch(m.labels, l)));
      const m = mustFireTicks.get(at / interval);
      if (m && !sets.some((l) => labelsMatch(m.labels, l))) sets.push(m.labels);
      out.push({
        eval_time: promDuration(at),
        alertname,
        exp_alerts: sortAlerts(
          sets.map((l) => {
            const labels = { ...l, ...(o.staticLabels?.(alertname) ?? {}) };
            const ann = o.annotations?.(alertname, labels);
            return {
              exp_labels: labels,
              ...(ann && Object.keys(ann).length ? { exp_annotations: ann } : {}),
            };
          }),
        ),
      });
    }
  }
  return out;
}

const sortAlerts = (xs: ExpAlert[]) =>
  xs.sort((a, b) =>
    JSON.stringify(Object.entries(a.exp_labels).sort()).localeCompare(
      JSON.stringify(Object.entries(b.exp_labels).sort()),
    ),
  );

/** The whole test file for a run. `rules` defaults to every rule that fired in the run. */
export function buildPromtoolTest(
  run: RunData,
  o: CaseOptions & { ruleFiles: string[]; rules?: readonly string[]; name?: string },
): PromtoolTestFile {
  const interval = o.intervalMs ?? DEFAULT_INTERVAL_MS;
  const rules = o.rules ?? [...new Set(run.alerts.map((a) => a.rule))].sort();
  return {
    rule_files: o.ruleFiles,
    evaluation_interval: promDuration(interval),
    tests: [
      {
        name: o.name ?? run.scenario,
        interval: promDuration(interval),
        input_series: buildInputSeries(run, interval),
        alert_rule_test: buildAlertTests(run, rules, o),
      },
    ],
  };
}

/** YAML text of a test file, with a header saying where it came from. */
export function promtoolTestYaml(file: PromtoolTestFile, header?: string): string {
  const head = header ? `${header.replace(/^/gm, '# ')}\n` : '';
  return head + stringify(file, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}
