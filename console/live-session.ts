/**
 * A running drill seen by the console: a journal sink that derives everything the war room shows
 * (alerts, incident state, status page, scribe timeline, narration) from the journal events as
 * they are written, plus live QoE sampled from the metric engine on the drill clock. Actions go to
 * the drill's incident desk — the same desk scripted teams and `streamdrill act` use.
 */
import { readFile } from 'node:fs/promises';
import { RoleSchema } from '../core/actions.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { JournalEvent, JournalPayload, JournalSink } from '../core/journal.ts';
import { alertState, isAlertEvent, isSessionEvent } from '../core/journal-events.ts';
import { SEVERITIES } from '../core/severities.ts';
import type { Pacer } from '../drill/pacer.ts';
import { ActionError, type IncidentDesk } from '../incident/desk.ts';
import { impactSampleOf } from '../incident/impact.ts';
import { GROUND_TRUTH_TYPES, IncidentProjection } from '../incident/projection.ts';
import type { Runbook } from '../incident/runbook.ts';
import { scoreJournal } from '../incident/scoring.ts';
import { metricValue } from '../metrics/catalogue.ts';
import type { LabelKey } from '../metrics/engine.ts';
import type { QoeSource } from '../metrics/incremental.ts';
import { DEPLOY_COMPONENTS } from '../origin-stub/control/deploys.ts';
import type { RuleFile } from '../rules/schema.ts';
import type { LoadedScenario } from '../scenarios/load.ts';
import {
  type AlertView,
  CONSOLE_METRICS,
  type ConsoleInfo,
  type ConsoleSnapshot,
  DASHBOARD_IDS,
  DASHBOARD_NAMES,
  type Dashboard,
  type DashboardId,
  type DashboardSummary,
  type JournalLine,
  type LeverOption,
  type NarrationItem,
  type QoeFigures,
  type QoePoint,
  ROLE_NAMES,
  type ScorecardView,
  type ScribeEntry,
  type TrainerControl,
  type TrainerView,
} from './api.ts';
import type { DashboardSource } from './dashboards.ts';
import { ConsoleInputError, type ConsoleSession } from './session.ts';

/** QoE figures are computed over this window, like the impact samples. */
const QOE_WINDOW_MS = 60_000;
/** How often live QoE is sampled (drill clock). */
const QOE_EVERY_MS = 15_000;

export interface TrainerHooks {
  pause(): void;
  resume(): void;
  setSpeed(speed: number): void;
  state(): { paused: boolean; speed: number };
}

/** The trainer's controls over a paced virtual-time run. */
export function pacerControls(p: Pacer): TrainerHooks {
  return {
    pause: () => p.pause(),
    resume: () => p.resume(),
    setSpeed: (speed) => p.setSpeed(speed),
    state: () => ({ paused: p.paused, speed: p.speed }),
  };
}

export interface LiveSessionOptions {
  loaded: LoadedScenario;
  rules: RuleFile;
  runbook: Runbook;
  mode: 'real' | 'virtual';
  clock: Clock;
  /** Scenario time 0 on the drill clock (a real drill knows it once its players are up: see attach). */
  startMs?: number;
  regions: string[];
  cdns: string[];
  trainer?: TrainerHooks;
}

export interface LiveAttachment {
  startMs?: number;
  desk: IncidentDesk;
  /** Writes into the run's journal (which comes back to this session as its sink). */
  record: (e: JournalPayload) => void;
  engine: QoeSource;
  dashboards: DashboardSource;
}

function figures(engine: QoeSource, at: number, filter: Partial<Record<LabelKey, string>>): QoeFigures {
  const m = engine.snapshot(at, { windowMs: QOE_WINDOW_MS, filter });
  const out = { current_viewers: m.currentViewers } as QoeFigures;
  for (const id of CONSOLE_METRICS) out[id] = metricValue(m, id);
  return out;
}

/** The four mitigations expanded for this stack, one button each. */
export function leverOptions(regions: string[], cdns: string[]): LeverOption[] {
  const out: LeverOption[] = [];
  for (const region of regions)
    for (const cdn of cdns)
      out.push({
        id: `steer-${region}-${cdn}`,
        lever: 'steer',
        args: { region, cdn },
        label: `Steer ${region.toUpperCase()} to ${cdn}`,
        confirm: `Content steering will send every ${region.toUpperCase()} viewer to ${cdn} at their next steering refresh.`,
      });
  for (const component of DEPLOY_COMPONENTS)
    out.push({
      id: `rollback-${component}`,
      lever: 'rollback',
      args: { component },
      label: `Roll back ${component}`,
      confirm: `${component} goes back to its previous version.`,
    });
  out.push(
    {
      id: 'failover-backup',
      lever: 'failover',
      args: { to: 'backup' },
      label: 'Fail over to the backup origin',
      confirm: 'The CDN shields pull from the hot-standby origin instead of the primary.',
    },
    {
      id: 'failover-primary',
      lever: 'failover',
      args: { to: 'primary' },
      label: 'Fail back to the primary origin',
      confirm: 'The CDN shields pull from the primary origin again.',
    },
    {
      id: 'disable-flag-ad-pod',
      lever: 'disable-flag',
      args: { flag: 'ad-pod' },
      label: 'Disable the ad-pod flag',
      confirm: 'Server-side ad insertion is switched off for every viewer.',
    },
  );
  return out;
}

export class LiveSession implements ConsoleSession, JournalSink {
  readonly events: JournalEvent[] = [];
  private readonly listeners = new Set<(e: JournalLine) => void>();
  private readonly alertMap = new Map<string, AlertView>();
  /** The incident, worded with the console's own role and dashboard names. */
  private readonly incident = new IncidentProjection({
    role: (id) => ROLE_NAMES[id],
    dashboard: (id) => (Object.hasOwn(DASHBOARD_NAMES, id) ? DASHBOARD_NAMES[id as DashboardId] : id),
    text: (s) => s,
    showPeople: true,
  });
  private readonly timeline: ScribeEntry[] = [];
  private readonly narration: NarrationItem[] = [];
  private readonly points: QoePoint[] = [];
  private readonly faults = new Map<string, TrainerView['faults'][number]>();
  private lastImpact: TrainerView['impact'] = null;
  private attached: LiveAttachment | undefined;
  private sampler: TimerHandle | undefined;
  private started = false;
  private ended = false;
  private scorecard: ScorecardView | null = null;
  private reportPath: string | undefined;
  private baseline: QoePoint | null = null;
  private startMs: number;

  constructor(private readonly o: LiveSessionOptions) {
    this.startMs = o.startMs ?? Number.POSITIVE_INFINITY;
  }

  /** Connects the running drill: its desk, metric engine and dashboards. Starts QoE sampling. */
  attach(a: LiveAttachment): void {
    this.attached = a;
    if (a.startMs !== undefined) this.startMs = a.startMs;
    this.sample();
    this.sampler = this.o.clock.setInterval(() => this.sample(), QOE_EVERY_MS);
  }

  /** The drill has ended: stop sampling, score the journal, point at the report. */
  finish(o: { reportPath?: string } = {}): void {
    this.o.clock.clearInterval(this.sampler);
    this.ended = true;
    if (o.reportPath) this.reportPath = o.reportPath;
    const card = scoreJournal(this.events, this.o.runbook);
    this.scorecard = {
      score: card.score,
      severity: {
        truth: card.severity.truth,
        declared: card.severity.declared,
        comparison: card.severity.comparison,
      },
      items: card.items.map((i) => ({
        id: i.id,
        name: i.name,
        target: i.target,
        measured: i.measured,
        pass: i.pass,
        why: i.why,
        weight: i.weight,
      })),
    };
  }

  private sample(): void {
    const engine = this.attached?.engine;
    if (!engine) return;
    const t = this.o.clock.now();
    const point: QoePoint = {
      t,
      overall: figures(engine, t, {}),
      byRegion: Object.fromEntries(this.o.regions.map((r) => [r, figures(engine, t, { region: r })])),
      byCdn: Object.fromEntries(this.o.cdns.map((c) => [c, figures(engine, t, { cdn: c })])),
      byRegionCdn: Object.fromEntries(
        this.o.regions.map((region) => [
          region,
          Object.fromEntries(
            this.o.cdns.map((cdn) => {
              const f = figures(engine, t, { region, cdn });
              return [cdn, { current_viewers: f.current_viewers, rebuffering_share: f.rebuffering_share }];
            }),
          ),
        ]),
      ),
    };
    this.points.push(point);
    // The fault-free reference: the last sample before scenario time 0 with viewers watching.
    if (t <= this.startMs && point.overall.current_viewers > 0) this.baseline = point;
  }

  write(e: JournalEvent): void {
    this.events.push(e);
    this.derive(e);
    if (isSessionEvent(e)) return;
    for (const l of this.listeners) l(e);
  }

  /** The war room's view of one event: the incident and its timeline, alerts, narration, ground truth. */
  private derive(e: JournalEvent): void {
    const entry = this.incident.apply(e);
    // Faults are the trainer's ground truth: the team sees their effects, not the faults.
    if (entry && !GROUND_TRUTH_TYPES.includes(entry.type))
      this.timeline.push({
        id: this.timeline.length,
        t: entry.t,
        role: entry.role,
        type: entry.type,
        text: entry.text,
      });
    if (isAlertEvent(e)) {
      const state = alertState(e);
      this.alertMap.set(JSON.stringify([e.rule, e.labels]), {
        rule: e.rule,
        action: e.action,
        labels: e.labels,
        state,
        since: state === 'resolved' ? e.t : e.activeSince,
        value: e.value,
        summary: e.summary,
      });
      return;
    }
    switch (e.type) {
      case 'run.started':
        this.started = true;
        break;
      case 'narration':
        this.narration.push({ t: e.t, text: e.text, inject: e.inject });
        break;
      case 'scribe.note': {
        const target = this.timeline[e.entry];
        if (target) target.note = e.text;
        break;
      }
      case 'fault.applied':
        this.faults.set(e.step, { id: e.step, fault: e.fault, target: e.target, since: e.t });
        break;
      case 'fault.removed':
        this.faults.delete(e.step);
        break;
      case 'impact.sample': {
        const sample = impactSampleOf(e);
        this.lastImpact = {
          t: e.t,
          affectedShare: sample.global.affectedShare,
          byRegion: Object.fromEntries(
            Object.entries(sample.slices.region ?? {}).map(([k, v]) => [k, v.affectedShare]),
          ),
        };
        break;
      }
    }
  }

  // --- ConsoleSession ---

  info(): ConsoleInfo {
    const s = this.o.loaded.scenario;
    return {
      scenario: { name: this.o.loaded.name, title: s.title, description: s.description ?? '' },
      mode: this.o.mode,
      trainer: this.o.trainer !== undefined,
      startMs: Number.isFinite(this.startMs) ? this.startMs : this.o.clock.now(),
      durationMs: s.duration,
      timeZone: s.start.timeZone,
      regions: this.o.regions,
      cdns: this.o.cdns,
      roles: { ...ROLE_NAMES },
      severities: [...SEVERITIES],
      levers: leverOptions(this.o.regions, this.o.cdns),
      dashboards: DASHBOARD_IDS.map((id) => ({ id, name: DASHBOARD_NAMES[id] })),
      baseline: this.baseline,
      rules: this.o.rules.rules.map((r) => ({
        name: r.name,
        action: r.action,
        summary:
          r.summary ??
          ('metric' in r
            ? `${r.metric} ${r.op} ${r.threshold}${r.groupBy.length ? ` by ${r.groupBy.join(', ')}` : ''}`
            : `burn rate of ${r.slo} over ${r.burnRate.factor}x`),
      })),
    };
  }

  snapshot(): ConsoleSnapshot {
    const trainer = this.o.trainer?.state();
    return {
      clock: {
        now: this.o.clock.now(),
        phase: this.ended ? 'ended' : this.started ? 'running' : 'warmup',
        paused: trainer?.paused ?? false,
        speed: trainer?.speed ?? 1,
      },
      latest: this.points.at(-1) ?? null,
      alerts: [...this.alertMap.values()].sort((x, y) => y.since - x.since),
      incident: structuredClone(this.incident.state),
      status: [...this.incident.state.status].reverse(),
      timeline: this.timeline.map((x) => ({ ...x })),
      narration: [...this.narration],
      scorecard: this.scorecard,
      reportUrl: this.reportPath ? '/report' : null,
    };
  }

  qoe(sinceMs?: number): QoePoint[] {
    return sinceMs === undefined ? [...this.points] : this.points.filter((p) => p.t > sinceMs);
  }

  private requireAttached(): LiveAttachment {
    if (!this.attached)
      throw new ConsoleInputError('the drill is still starting (stack and players coming up)', 503);
    return this.attached;
  }

  dashboards(): Promise<DashboardSummary[]> {
    return this.requireAttached().dashboards.list();
  }

  dashboard(id: DashboardId): Promise<Dashboard> {
    return this.requireAttached().dashboards.get(id);
  }

  async act(input: unknown): Promise<{ t: number; kind: string }> {
    if (this.ended) throw new ConsoleInputError('the drill has ended: actions are no longer taken', 409);
    const desk = this.requireAttached().desk;
    try {
      const done = await desk.act(input);
      return { t: done.t, kind: done.kind };
    } catch (err) {
      if (err instanceof ActionError) throw new ConsoleInputError(err.message, 400);
      throw err;
    }
  }

  note(entryId: number, role: string, text: string): ScribeEntry {
    const target = this.timeline[entryId];
    if (!target) throw new ConsoleInputError(`no scribe timeline entry ${entryId}`, 404);
    const who = RoleSchema.safeParse(role);
    if (!who.success)
      throw new ConsoleInputError(
        `role: expected one of ${Object.keys(ROLE_NAMES).join(', ')}, got ${JSON.stringify(role)}`,
      );
    this.requireAttached().record({ type: 'scribe.note', entry: entryId, role: who.data, text });
    return { ...target };
  }

  subscribe(listener: (e: JournalLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get trainer(): ConsoleSession['trainer'] {
    const hooks = this.o.trainer;
    if (!hooks) return undefined;
    return {
      view: () => this.trainerView(),
      control: (c: TrainerControl) => {
        if (c.op === 'pause') hooks.pause();
        else if (c.op === 'resume') hooks.resume();
        else if (c.op === 'speed') hooks.setSpeed(c.speed);
        else
          this.requireAttached().record({ type: 'narration', text: c.text, inject: true, role: 'trainer' });
        return this.snapshot().clock;
      },
    };
  }

  private trainerView(): TrainerView {
    const s = this.o.loaded.scenario;
    const now = this.o.clock.now();
    const upcoming: TrainerView['upcoming'] = [];
    for (const step of s.timeline) {
      const at = this.startMs + step.at;
      if (at <= now) continue;
      upcoming.push({
        at,
        kind: 'fault',
        text: 'fault' in step ? `${step.fault} on ${JSON.stringify(step.target)}` : `remove ${step.remove}`,
      });
    }
    for (const n of s.narration ?? []) {
      const at = this.startMs + n.at;
      if (at > now) upcoming.push({ at, kind: n.inject ? 'inject' : 'narration', text: n.text });
    }
    upcoming.sort((x, y) => x.at - y.at);
    return {
      faults: [...this.faults.values()],
      expected: {
        ...(s.expect.scope ? { scope: s.expect.scope } : {}),
        ...(s.expect.severity ? { severity: s.expect.severity } : {}),
        mitigations: s.expect.mitigations,
      },
      impact: this.lastImpact,
      upcoming,
    };
  }

  async reportHtml(): Promise<string | null> {
    if (!this.reportPath) return null;
    return readFile(this.reportPath, 'utf8');
  }
}
