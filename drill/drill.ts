/**
 * The drill core shared by virtual and real runs: the timeline of faults, alert evaluation on the
 * QoE metrics, ground-truth impact samples, halt conditions and steady-state checks, the team and
 * its actions — all journaled. What differs between modes (clock, stack, players) is passed in.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { JournalPayload, JournalSink } from '../core/journal.ts';
import { JOURNAL_VERSION, type TeamKind } from '../core/journal-events.ts';
import { displayPath } from '../core/paths.ts';
import type { StackActuator } from '../faults/actuator.ts';
import { BotTeam } from '../incident/bot-team.ts';
import { IncidentDesk } from '../incident/desk.ts';
import { type ImpactSample, sampleImpact } from '../incident/impact.ts';
import type { Change } from '../incident/observe.ts';
import { EngineObservations } from '../incident/observe.ts';
import type { Runbook } from '../incident/runbook.ts';
import { ScriptTeam, type Team } from '../incident/script-team.ts';
import type { BotTeamSpec } from '../incident/team-schema.ts';
import type { QoeSource } from '../metrics/incremental.ts';
import { AlertEvaluator, type AlertTransition } from '../rules/evaluator.ts';
import { EngineMetricSource } from '../rules/metric-source.ts';
import { WebhookNotifier, type WebhookTarget } from '../rules/notify.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import { type StopReason, Timeline } from './timeline.ts';

export type { TeamKind };

export interface DrillOptions {
  clock: Clock;
  loaded: LoadedScenario;
  rules: RuleFile;
  rulesFile: string;
  runbook: Runbook;
  team: TeamKind;
  journal: JournalSink;
  actuator: StackActuator;
  engine: QoeSource;
  /** Deploys and flag changes the team can see ("what shipped today?"). */
  changes: () => Change[];
  mode: 'virtual' | 'real';
  seed: string | number;
  /** Scenario time 0 (ms since the epoch on the clock). */
  startMs: number;
  webhooks?: WebhookTarget[];
  /** Called when the drill ends early (halt): the driver stops advancing time. */
  onHalt?: (reason: string) => void;
}

export interface AlertRecord {
  rule: string;
  action: string;
  labels: Record<string, string>;
  pendingAt?: number;
  firedAt?: number;
  resolvedAt?: number;
  peakValue: number | null;
}

export class Drill {
  readonly source: EngineMetricSource;
  readonly evaluator: AlertEvaluator;
  readonly desk: IncidentDesk;
  readonly timeline: Timeline;
  readonly samples: ImpactSample[] = [];
  readonly alerts: AlertRecord[] = [];
  readonly checkViolations: { check: number; metric: string; at: number; value: number | null }[] = [];
  readonly errors: string[] = [];
  private readonly notifier: WebhookNotifier | undefined;
  private team: Team | undefined;
  private evalTimer: TimerHandle | undefined;
  private readonly narrationTimers: TimerHandle[] = [];
  private halted: string | undefined;
  private readonly haltSince = new Map<number, number>();
  private firstPage = false;

  constructor(private readonly o: DrillOptions) {
    this.source = new EngineMetricSource(o.engine);
    this.evaluator = new AlertEvaluator(o.rules);
    this.desk = new IncidentDesk(o.clock, o.journal, o.actuator);
    this.timeline = new Timeline(o.loaded, o.clock, o.actuator, o.journal, o.startMs, (err) =>
      this.error(`timeline: ${err.message}`),
    );
    this.notifier = o.webhooks && o.webhooks.length > 0 ? new WebhookNotifier(o.webhooks) : undefined;
    const spec = o.loaded.scenario.team;
    if (o.team === 'script') {
      if (!spec || spec.kind !== 'script')
        throw new Error(`scenario ${o.loaded.name} has no team script (use --team bot or none)`);
      this.team = new ScriptTeam(spec, o.clock, this.desk, (err) => this.error(`team: ${err.message}`));
    } else if (o.team === 'bot') {
      const botSpec: BotTeamSpec =
        spec?.kind === 'bot'
          ? spec
          : {
              kind: 'bot',
              acknowledgeAfter: 40_000,
              confirmAfter: 60_000,
              declareAfter: 120_000,
              dashboardEvery: 15_000,
              mitigateAfterDashboards: 60_000,
              statusAfterDeclare: 300_000,
              statusEvery: 600_000,
              roles: {},
            };
      const obs = new EngineObservations(o.engine, this.source, () => o.clock.now(), o.changes);
      this.team = new BotTeam(botSpec, o.runbook, o.clock, this.desk, obs, (err) =>
        this.error(`team: ${err.message}`),
      );
    }
  }

  get haltReason(): string | undefined {
    return this.halted;
  }

  private error(message: string): void {
    this.errors.push(message);
    this.write({ type: 'run.error', message });
  }

  /** Journals an event from outside the drill core (a console's scribe notes, a trainer's injects). */
  record(e: JournalPayload): void {
    this.write(e);
  }

  /** Stamps an event with the journal version and the clock's time, and journals it. */
  private write(e: JournalPayload): void {
    this.o.journal.write({ v: JOURNAL_VERSION, t: this.o.clock.now(), ...e });
  }

  start(): void {
    const s = this.o.loaded.scenario;
    this.write({
      type: 'run.started',
      scenario: this.o.loaded.name,
      title: s.title,
      mode: this.o.mode,
      seed: this.o.seed,
      startAt: s.start.at,
      timeZone: s.start.timeZone,
      durationMs: s.duration,
      rules: displayPath(this.o.rulesFile),
      team: this.o.team,
      population: { viewers: s.population.viewers, sessions: s.population.sessions },
      expect: s.expect,
    });
    this.timeline.start();
    for (const n of s.narration) {
      this.narrationTimers.push(
        this.o.clock.setTimeout(
          () => this.write({ type: 'narration', text: n.text, inject: n.inject, role: 'trainer' }),
          Math.max(0, this.o.startMs + n.at - this.o.clock.now()),
        ),
      );
    }
    this.team?.start();
    this.evalTimer = this.o.clock.setInterval(() => this.evaluate(), this.evaluator.intervalMs);
  }

  /** One evaluation tick: alerts, impact sample, halt conditions, steady-state checks. */
  evaluate(): void {
    const at = this.o.clock.now();
    for (const t of this.evaluator.evaluate(this.source, at)) this.onTransition(t);
    const sample = sampleImpact(this.source, (k, when) => this.o.engine.labelValues(k, when, 60_000), at);
    this.samples.push(sample);
    this.write({ type: 'impact.sample', global: sample.global, slices: sample.slices });
    this.checkBounds(at);
  }

  private onTransition(t: AlertTransition): void {
    this.write({
      type: `alert.${t.state}`,
      rule: t.rule,
      action: t.action,
      labels: t.labels,
      value: t.value,
      activeSince: t.activeSince,
      summary: t.summary,
    });
    const key = JSON.stringify([t.rule, t.labels]);
    let rec = [...this.alerts]
      .reverse()
      .find((a) => JSON.stringify([a.rule, a.labels]) === key && a.resolvedAt === undefined);
    if (!rec || (t.state === 'pending' && rec.firedAt !== undefined)) {
      rec = { rule: t.rule, action: t.action, labels: t.labels, peakValue: t.value };
      this.alerts.push(rec);
    }
    if (t.state === 'pending') rec.pendingAt = t.at;
    if (t.state === 'firing') rec.firedAt = t.at;
    if (t.state === 'resolved') rec.resolvedAt = t.at;
    if (t.value !== null) rec.peakValue = Math.max(rec.peakValue ?? t.value, t.value);
    if (t.state === 'firing' && t.action === 'page' && !this.firstPage) {
      // The pager reaches on-call; escalation beyond that is the team's job (and scored).
      this.firstPage = true;
      this.write({ type: 'page.sent', to: ['oncall'], rule: t.rule, labels: t.labels });
    }
    this.notifier?.notify(t);
    this.team?.onAlert(t);
  }

  private checkBounds(at: number): void {
    const s = this.o.loaded.scenario;
    const value = (b: (typeof s.halt)[number]) =>
      this.source.query({ metric: b.metric, at, windowMs: 60_000, where: b.where, groupBy: [] })[0]?.value ??
      null;
    const breached = (b: (typeof s.halt)[number], v: number | null) =>
      v !== null && ((b.above !== undefined && v > b.above) || (b.below !== undefined && v < b.below));
    s.checks.forEach((b, i) => {
      const v = value(b);
      if (breached(b, v)) this.checkViolations.push({ check: i, metric: b.metric, at, value: v });
    });
    s.halt.forEach((b, i) => {
      const v = value(b);
      if (!breached(b, v)) {
        this.haltSince.delete(i);
        return;
      }
      const since = this.haltSince.get(i) ?? at;
      this.haltSince.set(i, since);
      if (at - since >= b.for && !this.halted) {
        this.halted = `halt condition ${i + 1}: ${b.metric} ${b.above !== undefined ? `> ${b.above}` : `< ${b.below}`} (was ${v})`;
        this.write({ type: 'run.halted', reason: this.halted });
        this.o.onHalt?.(this.halted);
      }
    });
  }

  /** Ends the drill: removes every fault, stops the team and the evaluation, journals the end. */
  async stop(reason: StopReason): Promise<void> {
    this.o.clock.clearInterval(this.evalTimer);
    for (const t of this.narrationTimers) this.o.clock.clearTimeout(t);
    this.team?.stop();
    await this.timeline.stop(reason);
    await this.notifier?.flush();
    for (const f of this.notifier?.failures ?? []) this.error(`webhook: ${f}`);
    this.write({ type: 'run.ended', reason: this.halted ? 'halt' : reason });
  }
}
