/**
 * A running drill seen by the console: a journal sink that derives everything the war room shows
 * (alerts, incident state, status page, scribe timeline, narration) from the journal events as
 * they are written, plus live QoE sampled from the metric engine on the drill clock. Actions go to
 * the drill's incident desk — the same desk scripted teams and `streamdrill act` use.
 */
import { readFile } from 'node:fs/promises';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { JournalEvent, JournalSink } from '../core/journal.ts';
import type { Pacer } from '../drill/pacer.ts';
import { ActionError, type IncidentDesk } from '../incident/desk.ts';
import type { Runbook } from '../incident/runbook.ts';
import { scoreJournal } from '../incident/scoring.ts';
import { SEVERITIES } from '../incident/severities.ts';
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
  type IncidentState,
  type JournalLine,
  type LeverOption,
  type NarrationItem,
  type QoeFigures,
  type QoePoint,
  ROLE_NAMES,
  type RoleId,
  type ScorecardView,
  type ScribeEntry,
  type StatusPost,
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
  record: (e: { type: string; [k: string]: unknown }) => void;
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

function actionText(e: JournalEvent): string {
  const a = e as Record<string, unknown>;
  const kind = e.type.slice('action.'.length);
  const s = (k: string) => String(a[k] ?? '');
  switch (kind) {
    case 'acknowledge':
      return `acknowledged${a.alert ? ` ${s('alert')}` : ' the page'}`;
    case 'confirm':
      return `confirmed the alert against ${s('source')}`;
    case 'scope': {
      const parts = ['region', 'cdn', 'pop', 'isp', 'device']
        .filter((k) => a[k] !== undefined)
        .map((k) => `${k} ${s(k)}`);
      return `scoped the incident: ${parts.join(', ') || 'everyone'}${a.viewersAffected !== undefined ? ` (~${s('viewersAffected')} viewers)` : ''}`;
    }
    case 'declare':
      return `declared ${s('severity')}`;
    case 'dashboard':
      return `opened the ${DASHBOARD_NAMES[s('dashboard') as DashboardId] ?? s('dashboard')} dashboard`;
    case 'status':
      return `status page (${s('state')}): ${s('message')}`;
    case 'page':
      return `paged ${s('who')}`;
    case 'mitigate':
      return `mitigation: ${s('lever')} ${Object.entries((a.args ?? {}) as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`;
    case 'followup':
      return `follow-up: ${s('title')}${a.due ? ` (due ${s('due')})` : ''}`;
    case 'rootcause':
      return `root cause: ${s('cause')}`;
    case 'bridge':
      return 'opened the incident bridge';
    case 'review':
      return `scheduled the post-incident review for ${s('scheduledFor')}`;
    case 'assign':
      return `assigned ${ROLE_NAMES[s('assignee') as RoleId] ?? s('assignee')}${a.alias ? ` to ${s('alias')}` : ''}`;
    case 'resolve':
      return 'resolved the incident';
    case 'note':
      return s('text');
    default:
      return kind;
  }
}

export class LiveSession implements ConsoleSession, JournalSink {
  readonly events: JournalEvent[] = [];
  private readonly listeners = new Set<(e: JournalLine) => void>();
  private readonly alertMap = new Map<string, AlertView>();
  private readonly incident: IncidentState = {
    acknowledged: null,
    declared: null,
    scope: null,
    roles: {},
    mitigations: [],
    rootCause: null,
    resolved: null,
  };
  private readonly statusPosts: StatusPost[] = [];
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
    if (e.type.startsWith('session.')) return;
    for (const l of this.listeners) l(e as JournalLine);
  }

  private entry(e: JournalEvent, role: string, text: string): void {
    this.timeline.push({ id: this.timeline.length, t: e.t, role, type: e.type, text });
  }

  private derive(e: JournalEvent): void {
    const a = e as Record<string, unknown>;
    const role = String(a.role ?? 'system');
    if (e.type === 'run.started') {
      this.started = true;
      this.entry(e, 'system', `drill started: ${String(a.title ?? this.o.loaded.name)}`);
    } else if (e.type.startsWith('alert.')) {
      const state = e.type.slice(6) as AlertView['state'];
      const labels = (a.labels ?? {}) as Record<string, string>;
      const key = JSON.stringify([a.rule, labels]);
      this.alertMap.set(key, {
        rule: String(a.rule),
        action: String(a.action),
        labels,
        state,
        since: state === 'resolved' ? e.t : Number(a.activeSince ?? e.t),
        value: (a.value as number | null) ?? null,
        summary: String(a.summary ?? ''),
      });
      if (state !== 'pending') {
        const l = Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        this.entry(
          e,
          'system',
          `alert ${state}: ${String(a.rule)} (${String(a.action)})${l ? ` {${l}}` : ''}`,
        );
      }
    } else if (e.type === 'page.sent') {
      this.entry(e, 'system', `paged ${((a.to as string[]) ?? []).join(', ')} for ${String(a.rule)}`);
    } else if (e.type === 'lever.pulled') {
      this.incident.mitigations.push({
        t: e.t,
        role,
        lever: String(a.lever),
        args: (a.args ?? {}) as Record<string, string>,
        summary: String(a.summary ?? ''),
      });
    } else if (e.type.startsWith('action.')) {
      this.onAction(e, role);
    } else if (e.type === 'narration') {
      const inject = a.inject === true;
      this.narration.push({ t: e.t, text: String(a.text), inject });
      this.entry(e, 'trainer', `${inject ? 'inject' : 'narration'}: ${String(a.text)}`);
    } else if (e.type === 'scribe.note') {
      const target = this.timeline[Number(a.entry)];
      if (target) target.note = String(a.text);
    } else if (e.type === 'fault.applied' || e.type === 'fault.updated') {
      const step = String(a.step);
      const prev = this.faults.get(step);
      this.faults.set(step, {
        id: step,
        fault: String(a.fault ?? prev?.fault ?? ''),
        target: (a.target ?? prev?.target ?? {}) as Record<string, unknown>,
        since: prev?.since ?? e.t,
      });
    } else if (e.type === 'fault.removed') {
      this.faults.delete(String(a.step));
    } else if (e.type === 'impact.sample') {
      const g = a.global as { affectedShare: number } | undefined;
      const regions =
        ((a.slices as Record<string, Record<string, { affectedShare: number }>>) ?? {}).region ?? {};
      this.lastImpact = {
        t: e.t,
        affectedShare: g?.affectedShare ?? 0,
        byRegion: Object.fromEntries(Object.entries(regions).map(([k, v]) => [k, v.affectedShare])),
      };
    } else if (e.type === 'run.halted') {
      this.entry(e, 'system', `drill halted: ${String(a.reason)}`);
    } else if (e.type === 'run.ended') {
      this.entry(e, 'system', `drill ended (${String(a.reason)})`);
    }
  }

  private onAction(e: JournalEvent, role: string): void {
    const a = e as Record<string, unknown>;
    const kind = e.type.slice('action.'.length);
    if (kind === 'mitigate.failed') {
      this.entry(e, role, `mitigation ${String(a.lever)} failed: ${String(a.error)}`);
      return;
    }
    this.entry(e, role, actionText(e));
    const at = { t: e.t, role };
    if (kind === 'acknowledge') this.incident.acknowledged ??= at;
    if (kind === 'declare') this.incident.declared = { ...at, severity: String(a.severity) };
    if (kind === 'scope') {
      const { v: _v, t: _t, type: _type, role: _role, ...scope } = a;
      this.incident.scope = { ...at, scope: scope as Record<string, string | number> };
    }
    if (kind === 'assign')
      this.incident.roles[String(a.assignee) as RoleId] = {
        t: e.t,
        ...(a.alias ? { alias: String(a.alias) } : {}),
      };
    if (kind === 'rootcause') this.incident.rootCause = { ...at, cause: String(a.cause) };
    if (kind === 'resolve') this.incident.resolved = at;
    if (kind === 'status')
      this.statusPosts.push({
        t: e.t,
        role,
        state: (a.state ?? 'investigating') as StatusPost['state'],
        message: String(a.message),
      });
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
      incident: structuredClone(this.incident),
      status: [...this.statusPosts].reverse(),
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
    if (!(role in ROLE_NAMES))
      throw new ConsoleInputError(
        `role: expected one of ${Object.keys(ROLE_NAMES).join(', ')}, got ${JSON.stringify(role)}`,
      );
    this.requireAttached().record({ type: 'scribe.note', entry: entryId, role, text });
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
