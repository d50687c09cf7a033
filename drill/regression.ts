/**
 * Alert-rule regression: every scenario run in virtual time against a rule file, each scenario's
 * alert expectations checked (which alerts must fire, by when after impact starts, with which
 * labels; which must stay quiet). A recorded journal of a real-player drill can be replayed the
 * same way: its session events rebuild the metrics, no browser needed.
 */
import { performance } from 'node:perf_hooks';
import { formatDuration } from '../core/duration.ts';
import type { JournalEvent } from '../core/journal.ts';
import { isSessionEvent, sessionEventFromJournal } from '../core/journal-events.ts';
import type { ImpactSample } from '../incident/impact.ts';
import { sampleImpact } from '../incident/impact.ts';
import type { Runbook } from '../incident/runbook.ts';
import { classify } from '../incident/severity.ts';
import { MetricEngine } from '../metrics/engine.ts';
import { AlertEvaluator } from '../rules/evaluator.ts';
import { EngineMetricSource } from '../rules/metric-source.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/schema.ts';
import type { AlertRecord } from './drill.ts';
import { checkExpectations, type ExpectationResult } from './result.ts';
import { runVirtual } from './run-virtual.ts';

export interface RuleCase {
  scenario: string;
  title: string;
  source: 'virtual' | 'journal';
  wallMs: number;
  /** Alerts that fired, with times relative to the scenario start. */
  fired: {
    rule: string;
    action: string;
    labels: Record<string, string>;
    firedAfterMs: number;
    resolvedAfterMs: number | null;
  }[];
  impactStartMs: number | null;
  expectations: ExpectationResult[];
  pass: boolean;
  /** The run's journal (kept for exports such as the promtool check). */
  events?: JournalEvent[];
  /** The same expectations checked by promtool on the team's Prometheus rules, when asked for. */
  promtool?: { pass: boolean; message: string; testFile: string };
}

function firedList(alerts: AlertRecord[], startMs: number): RuleCase['fired'] {
  return alerts
    .filter((a) => a.firedAt !== undefined)
    .map((a) => ({
      rule: a.rule,
      action: a.action,
      labels: a.labels,
      firedAfterMs: a.firedAt! - startMs,
      resolvedAfterMs: a.resolvedAt === undefined ? null : a.resolvedAt - startMs,
    }));
}

/** Runs one scenario in virtual time (nobody responds: the faults run their course) against the rules. */
export async function testRulesOnScenario(
  loaded: LoadedScenario,
  rules: RuleFile,
  rulesFile: string,
  runbook: Runbook,
): Promise<RuleCase> {
  const t0 = performance.now();
  const { result, events } = await runVirtual({ loaded, rules, rulesFile, runbook, team: 'none' });
  const startMs = Date.parse(loaded.scenario.start.at);
  const alertExpectations = result.expectations.filter((e) => e.kind !== 'severity');
  return {
    scenario: loaded.name,
    title: loaded.scenario.title,
    source: 'virtual',
    wallMs: performance.now() - t0,
    fired: firedList(result.alerts, startMs),
    impactStartMs:
      result.scorecard?.times.impactStart == null ? null : result.scorecard.times.impactStart - startMs,
    expectations: alertExpectations,
    pass: alertExpectations.every((e) => e.pass),
    events,
  };
}

/** What a replay needs of a scenario: its name, title and alert expectations. */
export interface ReplayScenario {
  name: string;
  scenario: Pick<Scenario, 'title' | 'expect'>;
}

/**
 * The scenario a journal recorded in its `run.started` event (name, title, expectations), for a
 * journal whose scenario file is not at hand — e.g. a real drill of a scenario kept outside the
 * catalogue. Throws when the journal has no usable `run.started`.
 */
export function scenarioFromJournal(events: readonly JournalEvent[]): ReplayScenario {
  const started = events.find((e) => e.type === 'run.started');
  if (!started?.scenario) throw new Error('not a run journal (no run.started event naming its scenario)');
  return {
    name: started.scenario,
    scenario: { title: started.title || started.scenario, expect: started.expect },
  };
}

/**
 * Replays a recorded journal against (new) rules: its session events rebuild the QoE metrics and
 * the rules are evaluated at every interval, as they would have been during the drill.
 */
export function replayJournal(events: JournalEvent[], loaded: ReplayScenario, rules: RuleFile): RuleCase {
  const t0 = performance.now();
  const sessions = events.filter(isSessionEvent);
  if (sessions.length === 0) {
    throw new Error(
      'the journal has no session events to replay (virtual runs journal them only with --journal-sessions)',
    );
  }
  const started = events.find((e) => e.type === 'run.started');
  const startMs = started?.t ?? sessions[0]!.t;
  const endMs = events.at(-1)!.t;
  const engine = new MetricEngine({ retentionMs: 70 * 60_000 });
  const source = new EngineMetricSource(engine);
  const evaluator = new AlertEvaluator(rules);
  const alerts: AlertRecord[] = [];
  const samples: ImpactSample[] = [];
  let i = 0;
  const firstFault = events.find((e) => e.type === 'fault.applied')?.t;
  for (let at = startMs; at <= endMs; at += rules.evaluationInterval) {
    while (i < sessions.length && sessions[i]!.t <= at) {
      const e = sessions[i++]!;
      engine.ingest(sessionEventFromJournal(e));
    }
    for (const t of evaluator.evaluate(source, at)) {
      let rec = [...alerts]
        .reverse()
        .find(
          (a) =>
            a.rule === t.rule &&
            JSON.stringify(a.labels) === JSON.stringify(t.labels) &&
            a.resolvedAt === undefined,
        );
      if (!rec || (t.state === 'pending' && rec.firedAt !== undefined)) {
        rec = { rule: t.rule, action: t.action, labels: t.labels, peakValue: t.value };
        alerts.push(rec);
      }
      if (t.state === 'pending') rec.pendingAt = at;
      if (t.state === 'firing') rec.firedAt = at;
      if (t.state === 'resolved') rec.resolvedAt = at;
    }
    samples.push(sampleImpact(source, (k, w) => engine.labelValues(k, w, 60_000), at));
  }
  const c = classify(samples, {
    ...(firstFault !== undefined ? { faultsAt: firstFault } : {}),
    dashboardVisible: firstFault !== undefined,
  });
  const impactStart = c.impactStart ?? null;
  const expectations = checkExpectations(loaded.scenario.expect, alerts, impactStart).filter(
    (e) => e.kind !== 'severity',
  );
  return {
    scenario: loaded.name,
    title: loaded.scenario.title,
    source: 'journal',
    wallMs: performance.now() - t0,
    fired: firedList(alerts, startMs),
    impactStartMs: impactStart === null ? null : impactStart - startMs,
    expectations,
    pass: expectations.every((e) => e.pass),
    events,
  };
}

/** A readable table: what fired when, and why a case failed. */
export function ruleReport(cases: RuleCase[]): string {
  const lines: string[] = [];
  for (const c of cases) {
    lines.push(
      `${c.pass ? 'PASS' : 'FAIL'}  ${c.scenario} — ${c.title}  (${c.source}, ${Math.round(c.wallMs)} ms; impact from ${c.impactStartMs === null ? '-' : `+${formatDuration(c.impactStartMs)}`})`,
    );
    if (c.fired.length === 0) lines.push('        fired: nothing');
    for (const f of c.fired) {
      lines.push(
        `        fired: +${formatDuration(f.firedAfterMs).padEnd(7)} ${f.rule} (${f.action}) ${JSON.stringify(f.labels)}${f.resolvedAfterMs !== null ? `, resolved +${formatDuration(f.resolvedAfterMs)}` : ''}`,
      );
    }
    for (const e of c.expectations)
      lines.push(`        ${e.pass ? 'ok  ' : 'FAIL'}  ${e.description}: ${e.why}`);
    if (c.promtool) {
      lines.push(
        `        ${c.promtool.pass ? 'ok  ' : 'FAIL'}  promtool on the Prometheus rules: ${c.promtool.message}`,
      );
    }
  }
  const failed = cases.filter((c) => !c.pass || c.promtool?.pass === false).length;
  lines.push('', `${cases.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}
