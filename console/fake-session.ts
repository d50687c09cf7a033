/**
 * A stand-in drill for developing and testing the console without a stack or players: the
 * playbook's worked example (cdn-a's EMEA shield misconfigured, EMEA rebuffering climbing about a
 * point a minute from 19:36, the RebufferPage alert firing for EMEA around 19:43) on a drill clock the
 * trainer can pause and speed up. Actions are validated with the real ActionSchema and change what
 * the fake shows: steering EMEA to cdn-b moves EMEA's viewers to cdn-b within the 60 s steering TTL
 * and brings the rebuffering down; rolling back cdn-a ends the fault. Resolving ends the drill 30 s
 * (drill time) later with a plausible scorecard.
 */
import { ActionSchema, ROLES } from '../simulator/incident/actions.ts';
import {
  type AlertView,
  type ConsoleInfo,
  type ConsoleSnapshot,
  DASHBOARD_IDS,
  DASHBOARD_NAMES,
  type Dashboard,
  type DashboardId,
  type DashboardSummary,
  type DashboardTable,
  type IncidentState,
  type JournalLine,
  type LeverOption,
  type NarrationItem,
  type QoeFigures,
  type QoePoint,
  ROLE_NAMES,
  type ScorecardView,
  type ScribeEntry,
  type StatusPost,
  type TrainerControl,
  type TrainerView,
} from './api.ts';
import { ConsoleInputError, type ConsoleSession } from './session.ts';

const MIN = 60_000;
const START = Date.parse('2026-11-21T19:33:00Z');
const DURATION = 53 * MIN;
const FAULT_START = START + 90_000;
/** EMEA rebuffering on cdn-a starts climbing here, about a point a minute. */
const CLIMB_START = START + 3 * MIN;
/** cdn-a rolls its shield deploy back (unless the team rolls it back first). */
const FAULT_END = START + 36 * MIN;
const STEERING_TTL = 60_000;
const BASE_REBUFFER = 0.007;
const VIEWERS = 800_000;
const REGIONS = ['emea', 'na'];
const CDNS = ['cdn-a', 'cdn-b'];
const REGION_SHARE: Record<string, number> = { emea: 0.55, na: 0.45 };
const POPS: Record<string, string[]> = { emea: ['fra', 'ams', 'par'], na: ['iad', 'sjc'] };
const ISPS: Record<string, string[]> = { emea: ['eu-telco', 'eu-cable'], na: ['na-telco', 'na-cable'] };
const HOT_POPS = ['fra', 'ams', 'par'];

const LEVERS: LeverOption[] = [
  ...REGIONS.flatMap((region) =>
    CDNS.map((cdn) => ({
      id: `steer-${region}-${cdn}`,
      lever: 'steer' as const,
      args: { region, cdn },
      label: `Steer ${region.toUpperCase()} to ${cdn}`,
      confirm: `Content steering sends every ${region.toUpperCase()} viewer to ${cdn}; players follow within 60 s.`,
    })),
  ),
  ...['packager', 'encoder', 'player'].map((component) => ({
    id: `rollback-${component}`,
    lever: 'rollback' as const,
    args: { component },
    label: `Roll back the ${component}`,
    confirm: `Redeploys the previous ${component} build; takes about two minutes.`,
  })),
  {
    id: 'rollback-cdn-a',
    lever: 'rollback',
    args: { component: 'cdn-a' },
    label: 'Ask cdn-a to roll back',
    confirm: "Asks cdn-a's account engineer to roll back their last configuration deploy.",
  },
  {
    id: 'failover-origin',
    lever: 'failover',
    args: { to: 'backup' },
    label: 'Fail over to the backup origin',
    confirm: 'Switches the live origin to the hot standby pipeline; players see one segment gap.',
  },
  ...['low-latency', 'ad-pods'].map((flag) => ({
    id: `disable-flag-${flag}`,
    lever: 'disable-flag' as const,
    args: { flag },
    label: `Disable ${flag}`,
    confirm: `Turns the ${flag} feature flag off for every viewer.`,
  })),
];

const RULES = [
  { name: 'RebufferPage', action: 'page', summary: 'More than 5% of current viewers are rebuffering' },
  {
    name: 'RebufferInvestigate',
    action: 'investigate',
    summary: 'More than 3% of current viewers are rebuffering',
  },
  { name: 'RebufferTicket', action: 'ticket', summary: 'More than 1% of current viewers are rebuffering' },
  { name: 'VideoStartFailurePage', action: 'page', summary: 'More than 5% of start attempts fail' },
];
const ALERT_RULES = [
  { name: 'RebufferPage', threshold: 0.05, forMs: MIN },
  { name: 'RebufferInvestigate', threshold: 0.03, forMs: 2 * MIN },
  { name: 'RebufferTicket', threshold: 0.01, forMs: 15 * MIN },
];

const NARRATION: { at: number; text: string; inject: boolean }[] = [
  {
    at: START,
    text: 'Saturday evening, 19:33 UTC. 800,000 viewers across North America and EMEA; cdn-a is primary, cdn-b is on warm standby behind content steering.',
    inject: false,
  },
  {
    at: START + 11 * MIN,
    text: 'Customer support: complaints about buffering from Germany and the Netherlands are picking up on social media.',
    inject: true,
  },
  { at: START + 15 * MIN, text: 'The cdn-a account engineer joins the bridge.', inject: true },
  { at: FAULT_END, text: 'cdn-a rolls back the shield-tier deploy in EMEA.', inject: false },
];

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const noise = (t: number, k: number) => Math.sin(t / 9_000 + k * 1.7) * 0.6 + Math.sin(t / 23_000 + k) * 0.4;

export interface FakeSessionOptions {
  /** Trainer mode: pause/resume/speed/inject and the trainer view (default true). */
  trainer?: boolean;
  /** Drill seconds per wall second to begin with (default 1). */
  speed?: number;
  /** Where the drill clock begins, relative to scenario time 0 (default -60 s: a minute of warm-up). */
  beginAtMs?: number;
  /** QoE sample interval in drill time (default 5 s). */
  stepMs?: number;
  /** Wall clock (tests pass a fake). */
  wallNow?: () => number;
}

interface AlertState {
  rule: string;
  region: string;
  state: AlertView['state'];
  since: number;
  pendingSince: number;
  value: number;
}

export class FakeSession implements ConsoleSession {
  readonly trainer?: {
    view(): TrainerView;
    control(c: TrainerControl): ConsoleSnapshot['clock'];
  };

  private readonly wallNow: () => number;
  private readonly stepMs: number;
  private anchorWall: number;
  private anchorDrill: number;
  private speed: number;
  private paused = false;
  private endAt = START + DURATION;
  private readonly points: QoePoint[] = [];
  private readonly alerts = new Map<string, AlertState>();
  private readonly timeline: ScribeEntry[] = [];
  private readonly narration: NarrationItem[] = [];
  private readonly status: StatusPost[] = [];
  private readonly actions: { t: number; kind: string; role: string }[] = [];
  private readonly dashboardsChecked = new Set<string>();
  private readonly listeners = new Set<(e: JournalLine) => void>();
  private readonly steers: Record<string, { t: number; cdn: string }[]> = { emea: [], na: [] };
  private rollbackAt: number | null = null;
  private narrated = 0;
  private firstPageAt: number | null = null;
  private nextEntryId = 1;
  private readonly incident: IncidentState = {
    acknowledged: null,
    declared: null,
    scope: null,
    roles: {},
    mitigations: [],
    rootCause: null,
    resolved: null,
  };

  constructor(options: FakeSessionOptions = {}) {
    this.wallNow = options.wallNow ?? Date.now;
    this.stepMs = options.stepMs ?? 5_000;
    this.speed = options.speed ?? 1;
    this.anchorWall = this.wallNow();
    this.anchorDrill = START + (options.beginAtMs ?? -MIN);
    if (options.trainer ?? true) {
      this.trainer = { view: () => this.trainerView(), control: (c) => this.control(c) };
    }
    this.advance();
  }

  // ---- the drill clock ----

  private now(): number {
    const t = this.paused
      ? this.anchorDrill
      : this.anchorDrill + (this.wallNow() - this.anchorWall) * this.speed;
    return Math.min(t, this.endAt);
  }

  private reanchor(): void {
    this.anchorDrill = this.now();
    this.anchorWall = this.wallNow();
  }

  private phase(t: number): ConsoleSnapshot['clock']['phase'] {
    if (t >= this.endAt) return 'ended';
    return t < START ? 'warmup' : 'running';
  }

  private clock(): ConsoleSnapshot['clock'] {
    const now = this.now();
    return { now, phase: this.phase(now), paused: this.paused, speed: this.speed };
  }

  // ---- the model ----

  /** Share of a region's viewers on each CDN at t, after the steering changes so far. */
  private cdnShares(region: string, t: number): Record<string, number> {
    let shares: Record<string, number> = { 'cdn-a': 0.9, 'cdn-b': 0.1 };
    for (const s of this.steers[region] ?? []) {
      if (s.t > t) break;
      const p = clamp01((t - s.t) / STEERING_TTL);
      shares = Object.fromEntries(
        CDNS.map((c) => [c, (shares[c] ?? 0) * (1 - p) + (c === s.cdn ? p : 0)]),
      ) as Record<string, number>;
    }
    return shares;
  }

  /** How bad the cdn-a EMEA fault is at t: extra share of viewers rebuffering. */
  private faultExtra(t: number): number {
    const end = Math.min(FAULT_END, this.rollbackAt ?? Number.POSITIVE_INFINITY);
    const climb = Math.min(0.16, (Math.max(0, t - CLIMB_START) / MIN) * 0.0064);
    const fade = t > end ? clamp01(1 - (t - end) / (2 * MIN)) : 1;
    return climb * fade;
  }

  /** Share of viewers rebuffering for one region on one CDN at t. */
  private rate(region: string, cdn: string, t: number, withNoise = true): number {
    const wobble = withNoise ? noise(t, region.length + cdn.length) * 0.0012 : 0;
    let r = BASE_REBUFFER + wobble;
    if (region === 'emea' && cdn === 'cdn-a') r += this.faultExtra(t);
    if (cdn === 'cdn-b') {
      // cdn-b runs warm with all of a region on it: about 1.1% instead of 0.7%.
      const extra = clamp01(((this.cdnShares(region, t)['cdn-b'] ?? 0) - 0.1) / 0.9);
      r += 0.004 * extra;
    }
    return Math.max(0.001, r);
  }

  private figures(viewers: number, rebuf: number, t: number, k: number): QoeFigures {
    const wobble = noise(t, k + 11);
    return {
      viewers: Math.round(viewers),
      rebufferingShare: rebuf,
      rebufferRatio: rebuf * 0.55,
      videoStartFailure: Math.max(0, 0.004 + wobble * 0.0008),
      exitsBeforeVideoStart: Math.max(0, 0.03 + rebuf * 0.4 + wobble * 0.003),
      startupP50S: 1.1 + rebuf * 14 + wobble * 0.05,
      bitrateKbps: Math.max(900, 4800 - rebuf * 18_000 + wobble * 60),
    };
  }

  private point(t: number, withNoise = true): QoePoint {
    const total = VIEWERS * (1 + 0.02 * Math.sin((t - START) / (20 * MIN)));
    const byRegion: Record<string, QoeFigures> = {};
    const cdnViewers: Record<string, number> = {};
    const cdnRebuf: Record<string, number> = {};
    let rebufAll = 0;
    for (const [i, region] of REGIONS.entries()) {
      const shares = this.cdnShares(region, t);
      let rebuf = 0;
      let viewers = total * (REGION_SHARE[region] ?? 0);
      for (const cdn of CDNS) {
        const r = this.rate(region, cdn, t, withNoise);
        rebuf += (shares[cdn] ?? 0) * r;
        cdnViewers[cdn] = (cdnViewers[cdn] ?? 0) + viewers * (shares[cdn] ?? 0);
        cdnRebuf[cdn] = (cdnRebuf[cdn] ?? 0) + viewers * (shares[cdn] ?? 0) * r;
      }
      // Some rebuffering viewers give up.
      viewers *= 1 - rebuf * 0.3;
      rebufAll += viewers * rebuf;
      byRegion[region] = this.figures(viewers, rebuf, t, i);
    }
    const byCdn: Record<string, QoeFigures> = {};
    for (const [i, cdn] of CDNS.entries()) {
      const v = cdnViewers[cdn] ?? 0;
      byCdn[cdn] = this.figures(v, v > 0 ? (cdnRebuf[cdn] ?? 0) / v : 0, t, i + 5);
    }
    const viewersAll = REGIONS.reduce((s, r) => s + (byRegion[r]?.viewers ?? 0), 0);
    return { t, overall: this.figures(viewersAll, rebufAll / viewersAll, t, 9), byRegion, byCdn };
  }

  /** Brings QoE history, alerts and narration up to the drill clock. */
  private advance(): void {
    const now = this.now();
    let next = this.points.length ? this.points.at(-1)!.t + this.stepMs : START - MIN;
    while (next <= now) {
      this.narrateUntil(next);
      const p = this.point(next);
      this.points.push(p);
      this.evaluateAlerts(p);
      next += this.stepMs;
    }
    this.narrateUntil(now);
  }

  private narrateUntil(t: number): void {
    while (this.narrated < NARRATION.length && NARRATION[this.narrated]!.at <= t) {
      const n = NARRATION[this.narrated++]!;
      this.narrate(n.at, n.text, n.inject);
    }
  }

  private evaluateAlerts(p: QoePoint): void {
    for (const rule of ALERT_RULES) {
      for (const region of REGIONS) {
        const key = `${rule.name}|${region}`;
        const value = p.byRegion[region]?.rebufferingShare ?? 0;
        const a = this.alerts.get(key);
        const breaching = value > rule.threshold;
        if (breaching) {
          if (!a || a.state === 'resolved') {
            this.alerts.set(key, {
              rule: rule.name,
              region,
              state: 'pending',
              since: p.t,
              pendingSince: p.t,
              value,
            });
          } else {
            a.value = value;
            if (a.state === 'pending' && p.t - a.pendingSince >= rule.forMs) {
              a.state = 'firing';
              a.since = p.t;
              this.alertChanged(a, p.t);
            }
          }
        } else if (a) {
          a.value = value;
          if (a.state === 'pending') this.alerts.delete(key);
          else if (a.state === 'firing') {
            a.state = 'resolved';
            a.since = p.t;
            this.alertChanged(a, p.t);
          }
        }
      }
    }
  }

  private alertChanged(a: AlertState, t: number): void {
    const text = `${a.rule} ${a.state} for region=${a.region}: ${(a.value * 100).toFixed(1)}% of viewers rebuffering`;
    if (a.state === 'firing' && a.rule === 'RebufferPage') this.firstPageAt ??= t;
    this.record(t, 'system', `alert.${a.state}`, text, { alert: a.rule, labels: { region: a.region } });
  }

  private record(t: number, role: string, type: string, text: string, extra: Record<string, unknown> = {}) {
    const entry: ScribeEntry = { id: this.nextEntryId++, t, role, type, text };
    this.timeline.push(entry);
    this.emit({ v: 1, t, type, role, text, ...extra });
    return entry;
  }

  private narrate(t: number, text: string, inject: boolean): void {
    this.narration.push({ t, text, inject });
    this.record(t, 'trainer', inject ? 'inject' : 'narration', text);
  }

  private emit(e: JournalLine): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  // ---- ConsoleSession ----

  info(): ConsoleInfo {
    return {
      scenario: {
        name: 'worked-example',
        title: "The EMEA CDN incident (the playbook's worked example)",
        description:
          "800,000 concurrent viewers across North America and EMEA, two CDNs (cdn-a primary, cdn-b on warm standby with content steering). A misconfigured shield-tier deploy at cdn-a's EMEA region makes EMEA viewers on cdn-a rebuffer.",
      },
      mode: 'virtual',
      trainer: this.trainer !== undefined,
      startMs: START,
      durationMs: DURATION,
      timeZone: 'UTC',
      regions: [...REGIONS],
      cdns: [...CDNS],
      roles: { ...ROLE_NAMES },
      severities: ['SEV1', 'SEV2', 'SEV3', 'SEV4'],
      levers: LEVERS.map((l) => ({ ...l, args: { ...l.args } })),
      dashboards: DASHBOARD_IDS.map((id) => ({ id, name: DASHBOARD_NAMES[id] })),
      baseline: this.point(START - 30_000, false),
      rules: RULES.map((r) => ({ ...r })),
    };
  }

  snapshot(): ConsoleSnapshot {
    this.advance();
    const clock = this.clock();
    const ended = clock.phase === 'ended';
    return {
      clock,
      latest: this.points.at(-1) ?? null,
      alerts: [...this.alerts.values()].map((a) => ({
        rule: a.rule,
        action: RULES.find((r) => r.name === a.rule)?.action ?? 'page',
        labels: { region: a.region },
        state: a.state,
        since: a.since,
        value: a.value,
        summary: RULES.find((r) => r.name === a.rule)?.summary ?? '',
      })),
      incident: structuredClone(this.incident),
      status: this.status.map((s) => ({ ...s })),
      timeline: this.timeline.map((e) => ({ ...e })),
      narration: this.narration.map((n) => ({ ...n })),
      scorecard: ended ? this.scorecard() : null,
      reportUrl: ended ? '/report' : null,
    };
  }

  qoe(sinceMs?: number): QoePoint[] {
    this.advance();
    return sinceMs === undefined ? [...this.points] : this.points.filter((p) => p.t > sinceMs);
  }

  async dashboards(): Promise<DashboardSummary[]> {
    return DASHBOARD_IDS.map((id) => {
      const { tables: _t, notes: _n, ...summary } = this.buildDashboard(id);
      return summary;
    });
  }

  async dashboard(id: DashboardId): Promise<Dashboard> {
    if (!(DASHBOARD_IDS as readonly string[]).includes(id)) {
      throw new ConsoleInputError(
        `no dashboard ${JSON.stringify(id)}: expected one of ${DASHBOARD_IDS.join(', ')}`,
        404,
      );
    }
    return this.buildDashboard(id);
  }

  async act(input: unknown): Promise<{ t: number; kind: string }> {
    this.advance();
    const parsed = ActionSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'body';
      throw new ConsoleInputError(`${where}: ${issue?.message ?? 'invalid action'}`);
    }
    const a = parsed.data;
    const t = this.now();
    if (this.phase(t) === 'ended') throw new ConsoleInputError('the drill has ended', 409);
    const inc = this.incident;
    let text: string;
    switch (a.kind) {
      case 'acknowledge':
        inc.acknowledged ??= { t, role: a.role };
        text = `acknowledged ${a.alert ?? 'the page'}`;
        break;
      case 'confirm':
        text = `confirmed the alert is real: ${a.source}`;
        break;
      case 'scope': {
        const { kind: _k, role: _r, ...scope } = a;
        inc.scope = { t, role: a.role, scope };
        text = `scoped: ${Object.entries(scope)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`;
        break;
      }
      case 'declare':
        inc.declared = { t, role: a.role, severity: a.severity };
        text = `declared ${a.severity}`;
        break;
      case 'dashboard':
        if (!(DASHBOARD_IDS as readonly string[]).includes(a.dashboard)) {
          throw new ConsoleInputError(`dashboard: expected one of ${DASHBOARD_IDS.join(', ')}`);
        }
        this.dashboardsChecked.add(a.dashboard);
        text = `checked ${DASHBOARD_NAMES[a.dashboard as DashboardId]}`;
        break;
      case 'status':
        this.status.push({ t, role: a.role, state: a.state, message: a.message });
        text = `status page (${a.state}): ${a.message}`;
        break;
      case 'page':
        text = `paged ${a.who}`;
        break;
      case 'mitigate':
        text = this.mitigate(t, a.role, a.lever, a.args);
        break;
      case 'followup':
        text = `follow-up: ${a.title}${a.due ? ` (due ${a.due})` : ''}`;
        break;
      case 'rootcause':
        inc.rootCause = { t, role: a.role, cause: a.cause };
        text = `root cause: ${a.cause}`;
        break;
      case 'bridge':
        text = 'opened the executive bridge';
        break;
      case 'review':
        text = `post-incident review scheduled for ${a.scheduledFor}`;
        break;
      case 'assign':
        inc.roles[a.assignee] = { t, ...(a.alias ? { alias: a.alias } : {}) };
        text = `assigned ${ROLE_NAMES[a.assignee]}${a.alias ? ` to ${a.alias}` : ''}`;
        break;
      case 'resolve':
        if (inc.resolved) throw new ConsoleInputError('the incident is already resolved', 409);
        inc.resolved = { t, role: a.role };
        this.endAt = Math.min(this.endAt, t + 30_000);
        text = 'resolved the incident';
        break;
      case 'note':
        text = a.text;
        break;
    }
    this.actions.push({ t, kind: a.kind, role: a.role });
    this.record(t, a.role, `action.${a.kind}`, text, { action: a });
    return { t, kind: a.kind };
  }

  private mitigate(t: number, role: string, lever: string, args: Record<string, string>): string {
    const option = LEVERS.find(
      (l) =>
        l.lever === lever &&
        Object.keys(l.args).length === Object.keys(args).length &&
        Object.entries(l.args).every(([k, v]) => args[k] === v),
    );
    if (!LEVERS.some((l) => l.lever === lever)) {
      throw new ConsoleInputError(
        `lever: expected one of steer, rollback, failover, disable-flag (got ${lever})`,
      );
    }
    if (!option) {
      throw new ConsoleInputError(
        `args: no ${lever} lever with ${JSON.stringify(args)}; expected one of ${LEVERS.filter(
          (l) => l.lever === lever,
        )
          .map((l) => JSON.stringify(l.args))
          .join(', ')}`,
      );
    }
    if (lever === 'steer') {
      const region = args.region!;
      const list = this.steers[region] ?? [];
      list.push({ t, cdn: args.cdn! });
      this.steers[region] = list;
    } else if (lever === 'rollback' && args.component === 'cdn-a') {
      this.rollbackAt ??= t + 2 * MIN;
    }
    this.incident.mitigations.push({ t, role, lever, args: { ...args }, summary: option.label });
    return `mitigation: ${option.label}`;
  }

  note(entryId: number, role: string, text: string): ScribeEntry {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConsoleInputError(`role: expected one of ${ROLES.join(', ')}`);
    }
    if (typeof text !== 'string') throw new ConsoleInputError('text: expected a string');
    const entry = this.timeline.find((e) => e.id === entryId);
    if (!entry) throw new ConsoleInputError(`no timeline entry ${entryId}`, 404);
    entry.note = text;
    this.emit({ v: 1, t: this.now(), type: 'scribe.note', entry: entryId, role, text });
    return { ...entry };
  }

  subscribe(listener: (e: JournalLine) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async reportHtml(): Promise<string | null> {
    if (this.phase(this.now()) !== 'ended') return null;
    const card = this.scorecard();
    const rows = card.items
      .map(
        (i) =>
          `<tr><td>${i.pass === null ? 'n/a' : i.pass ? '✓' : '✗'}</td><td>${i.name}</td><td>${i.target}</td><td>${i.measured}</td></tr>`,
      )
      .join('');
    return `<!doctype html><html><head><meta charset="utf-8"><title>streamdrill report (fake)</title></head><body><h1>Worked example (fake session): ${card.score}/100</h1><table>${rows}</table></body></html>`;
  }

  // ---- trainer ----

  private control(c: TrainerControl): ConsoleSnapshot['clock'] {
    switch (c.op) {
      case 'pause':
        this.reanchor();
        this.paused = true;
        break;
      case 'resume':
        this.reanchor();
        this.paused = false;
        break;
      case 'speed':
        if (typeof c.speed !== 'number' || !(c.speed > 0 && c.speed <= 600)) {
          throw new ConsoleInputError('speed: expected a number above 0 and at most 600');
        }
        this.reanchor();
        this.speed = c.speed;
        break;
      case 'inject':
        if (typeof c.text !== 'string' || !c.text.trim())
          throw new ConsoleInputError('text: expected some text');
        this.advance();
        this.narrate(this.now(), c.text.trim(), true);
        break;
      default:
        throw new ConsoleInputError('op: expected pause, resume, speed or inject');
    }
    return this.clock();
  }

  private trainerView(): TrainerView {
    this.advance();
    const now = this.now();
    const end = Math.min(FAULT_END, this.rollbackAt ?? Number.POSITIVE_INFINITY);
    const faults: TrainerView['faults'] =
      now >= FAULT_START && now < end
        ? [
            {
              id: 'edge-miss',
              fault: 'cache-force-miss',
              target: { component: 'edge', cdn: 'cdn-a', pop: HOT_POPS },
              since: FAULT_START,
              until: end,
            },
            {
              id: 'shield-misconfig',
              fault: 'cache-force-miss',
              target: { component: 'shield', cdn: 'cdn-a', region: 'emea' },
              since: FAULT_START,
              until: end,
            },
          ]
        : [];
    const p = this.points.at(-1);
    const affected = (region: string) =>
      p ? Math.max(0, (p.byRegion[region]?.rebufferingShare ?? 0) - BASE_REBUFFER) : 0;
    const byRegion = Object.fromEntries(REGIONS.map((r) => [r, affected(r)]));
    const affectedShare = REGIONS.reduce((s, r) => s + (REGION_SHARE[r] ?? 0) * (byRegion[r] ?? 0), 0);
    const upcoming: TrainerView['upcoming'] = [
      ...(now < FAULT_START
        ? [
            {
              at: FAULT_START,
              kind: 'fault' as const,
              text: "cdn-a's EMEA shield starts passing requests to origin",
            },
          ]
        : []),
      ...(now < end ? [{ at: end, kind: 'fault' as const, text: 'cdn-a rolls its shield deploy back' }] : []),
      ...NARRATION.filter((n) => n.at > now).map((n) => ({
        at: n.at,
        kind: n.inject ? ('inject' as const) : ('narration' as const),
        text: n.text,
      })),
    ].sort((a, b) => a.at - b.at);
    return {
      faults,
      expected: { scope: { region: 'emea', cdn: 'cdn-a' }, severity: 'SEV2', mitigations: ['steer'] },
      impact: p ? { t: p.t, affectedShare, byRegion } : null,
      upcoming,
    };
  }

  // ---- dashboards ----

  private buildDashboard(id: DashboardId): Dashboard {
    this.advance();
    const t = this.now();
    const extra = this.faultExtra(t);
    const faulty = extra > 0.005;
    const name = DASHBOARD_NAMES[id];
    const emeaOnA = this.cdnShares('emea', t)['cdn-a'] ?? 0;
    const wob = (k: number) => noise(t, k);
    const round = (x: number, d = 1) => Number(x.toFixed(d));
    switch (id) {
      case 'origin': {
        const load = 0.55 + (faulty ? 0.5 * emeaOnA * clamp01(extra / 0.05) : 0) + wob(1) * 0.02;
        const err = Math.max(0, load > 0.95 ? (load - 0.95) * 0.3 : 0.0005);
        return {
          id,
          name,
          status: load > 0.95 ? 'warn' : 'ok',
          headline: `origin load ${Math.round(load * 100)}% of capacity; segment 5xx ${(err * 100).toFixed(2)}%`,
          tables: [
            {
              caption: 'Live origin',
              columns: [
                'channel',
                'segment 5xx %',
                'generation latency ms',
                'manifest age s',
                'load % of capacity',
              ],
              rows: ['news', 'sport', 'movies'].map((ch, i) => [
                ch,
                round(err * 100, 2),
                Math.round(180 + wob(i) * 20 + (load > 0.9 ? 120 : 0)),
                round(2 + wob(i + 3), 1),
                Math.round(load * 100),
              ]),
              hot: load > 0.95 ? [0, 1, 2] : [],
            },
          ],
          notes: ['Manifest age is advancing on every channel.'],
        };
      }
      case 'packager':
        return this.okDashboard(id, 'chunk latency 210 ms, no CMAF gaps', {
          caption: 'Packager',
          columns: ['channel', 'chunk latency ms', 'CMAF chunk gaps / min', 'A/V drift ms'],
          rows: ['news', 'sport', 'movies'].map((ch, i) => [
            ch,
            Math.round(210 + wob(i) * 15),
            0,
            Math.round(4 + wob(i)),
          ]),
          hot: [],
        });
      case 'cdn-edge': {
        const rows: (string | number)[][] = [];
        const hot: number[] = [];
        for (const region of REGIONS) {
          for (const pop of POPS[region] ?? []) {
            for (const cdn of CDNS) {
              const bad = region === 'emea' && cdn === 'cdn-a' && HOT_POPS.includes(pop) && faulty;
              const miss = bad ? 0.2 + wob(pop.length) * 0.01 : 0.05 + wob(pop.length + cdn.length) * 0.004;
              if (bad) hot.push(rows.length);
              rows.push([
                pop,
                cdn,
                region,
                round(miss * 100),
                round(bad ? 0.4 : 0.02, 2),
                Math.round((bad ? 4 : 1) * 120 * (1 + wob(3) * 0.05)),
              ]);
            }
          }
        }
        return {
          id,
          name,
          status: faulty ? 'bad' : 'ok',
          headline: faulty ? 'cdn-a FRA, AMS, PAR: cache miss 4× normal' : 'cache miss ~5% at every POP',
          tables: [
            {
              caption: 'Per POP',
              columns: ['POP', 'CDN', 'region', 'cache miss %', '5xx %', 'origin pulls / s'],
              rows,
              hot,
            },
          ],
          notes: faulty
            ? ['Three cdn-a EMEA POPs miss about four times as often as usual; origin pulls follow.']
            : [],
        };
      }
      case 'manifest':
        return this.okDashboard(id, 'every manifest parses and advances', {
          caption: 'Manifests (checked from outside)',
          columns: ['channel', 'parses', 'advancing', 'segments reachable'],
          rows: ['news', 'sport', 'movies'].map((ch) => [ch, 'yes', 'yes', 'yes']),
          hot: [],
        });
      case 'drm':
        return this.okDashboard(id, 'licence latency p95 140 ms, errors 0.1%', {
          caption: 'Licence server',
          columns: ['DRM', 'licences / s', 'latency p95 ms', 'error %'],
          rows: ['widevine', 'fairplay', 'playready'].map((d, i) => [
            d,
            Math.round(90 - i * 20 + wob(i) * 5),
            Math.round(140 + wob(i) * 10),
            0.1,
          ]),
          hot: [],
        });
      case 'player-errors':
        return this.okDashboard(id, 'no change in error codes', {
          caption: 'Player errors (last 5 min)',
          columns: ['code', 'platform', 'count', 'change'],
          rows: [
            ['MEDIA_ERR_NETWORK', 'web', Math.round(40 + wob(1) * 5), '±0%'],
            [
              'BUFFER_STALLED (non-fatal)',
              'all',
              Math.round(faulty ? 900 * emeaOnA + 30 : 30),
              faulty ? '↑' : '±0%',
            ],
            ['DRM_LICENSE_TIMEOUT', 'tv', Math.round(6 + wob(2) * 2), '±0%'],
          ],
          hot: [],
        });
      case 'isp-cdn': {
        const rows: (string | number)[][] = [];
        const hot: number[] = [];
        for (const region of REGIONS) {
          for (const isp of ISPS[region] ?? []) {
            for (const cdn of CDNS) {
              const r = this.rate(region, cdn, t);
              if (r > 0.03) hot.push(rows.length);
              rows.push([isp, cdn, region, round(r * 100)]);
            }
          }
        }
        return {
          id,
          name,
          status: hot.length ? 'bad' : 'ok',
          headline: hot.length ? 'regression on cdn-a in EMEA, every ISP' : 'no ISP or CDN stands out',
          tables: [
            {
              caption: 'Rebuffering by ISP and CDN',
              columns: ['ISP', 'CDN', 'region', 'rebuffering %'],
              rows,
              hot,
            },
          ],
          notes: hot.length ? ['Both EMEA ISPs are hit on cdn-a only: a CDN problem, not an ISP one.'] : [],
        };
      }
    }
  }

  private okDashboard(id: DashboardId, headline: string, table: DashboardTable): Dashboard {
    return { id, name: DASHBOARD_NAMES[id], status: 'ok', headline, tables: [table], notes: [] };
  }

  // ---- scoring ----

  private scorecard(): ScorecardView {
    const first = (kind: string) => this.actions.find((a) => a.kind === kind)?.t ?? null;
    const page = this.firstPageAt;
    const within = (t: number | null, from: number | null, ms: number) =>
      from === null ? null : t !== null && t - from <= ms;
    const fmt = (t: number | null, from: number | null) =>
      t === null ? 'never' : from === null ? 'n/a' : `${Math.round((t - from) / 1000)} s`;
    const steer = this.incident.mitigations.find((m) => m.lever === 'steer' && m.args.region === 'emea');
    const items: ScorecardView['items'] = [
      {
        id: 'acknowledge',
        name: 'Time to acknowledge',
        target: 'within 2 min of the page',
        measured: fmt(first('acknowledge'), page),
        pass: within(first('acknowledge'), page, 2 * MIN),
        why: 'measured from the first page',
        weight: 2,
      },
      {
        id: 'severity',
        name: 'Severity',
        target: 'SEV2 (regional, >5% affected, workaround)',
        measured: this.incident.declared?.severity ?? 'not declared',
        pass: this.incident.declared?.severity === 'SEV2',
        why: 'scored against the severity grid',
        weight: 3,
      },
      {
        id: 'dashboards',
        name: 'Seven-dashboard pass',
        target: 'all seven checked',
        measured: `${this.dashboardsChecked.size} of 7`,
        pass: this.dashboardsChecked.size === 7,
        why: 'dashboard actions in the journal',
        weight: 1,
      },
      {
        id: 'status-page',
        name: 'Status page',
        target: 'within 15 min of declaring',
        measured: fmt(this.status[0]?.t ?? null, this.incident.declared?.t ?? null),
        pass: within(this.status[0]?.t ?? null, this.incident.declared?.t ?? null, 15 * MIN),
        why: 'SEV1/SEV2 need a public post',
        weight: 2,
      },
      {
        id: 'mitigation-appropriate',
        name: 'Mitigation',
        target: 'steer EMEA away from cdn-a',
        measured: steer ? steer.summary : 'none',
        pass: steer ? steer.args.cdn === 'cdn-b' : false,
        why: 'the expected lever for this scenario',
        weight: 3,
      },
      {
        id: 'follow-ups',
        name: 'Follow-up ticket',
        target: 'every mitigation has one',
        measured: first('followup') === null ? 'none' : 'filed',
        pass: this.incident.mitigations.length === 0 ? null : first('followup') !== null,
        why: 'mitigations hide the root cause',
        weight: 1,
      },
    ];
    const counted = items.filter((i) => i.pass !== null);
    const total = counted.reduce((s, i) => s + i.weight, 0);
    const passed = counted.filter((i) => i.pass).reduce((s, i) => s + i.weight, 0);
    const declared = this.incident.declared?.severity ?? null;
    return {
      score: total ? Math.round((100 * passed) / total) : 0,
      severity: {
        truth: 'SEV2',
        declared,
        comparison:
          declared === null
            ? 'never declared'
            : declared === 'SEV2'
              ? 'correct'
              : `declared ${declared}, truth SEV2`,
      },
      items,
    };
  }
}
