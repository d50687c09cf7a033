/**
 * The incident as the journal tells it: incident state (acknowledged, declared severity, scope,
 * roles, status posts, mitigations with their undo, root cause, resolved), every action in words,
 * and the timeline — derived from typed journal events, one event at a time (`apply`, for the live
 * console) or from a whole journal (`projectIncident`, for reports and scoring). The console, the
 * reports and the scoring all read the incident from here, so they word it the same way.
 *
 * Only names differ by audience ({@link Naming}): the console shows its own role and dashboard
 * names and people's names as given; the blameless review uses the runbook's names and replaces
 * every person's name with their role.
 */
import type { ActionKind, LeverCall, Role } from '../core/actions.ts';
import {
  type ActionJournalEvent,
  actionKind,
  alertState,
  isActionEvent,
  isAlertEvent,
  type JournalEvent,
  type JournalEventOf,
  type JournalEventType,
} from '../core/journal-events.ts';
import type { Severity } from '../core/severities.ts';

/** How names and free text are shown to an audience. */
export interface Naming {
  /** A role id in words, e.g. `ic` → "Incident Commander". */
  role(id: Role): string;
  /** A dashboard id in words, e.g. `cdn-edge` → "CDN edge health". */
  dashboard(id: string): string;
  /** Free text as shown (the blameless review replaces people's names with their roles). */
  text(s: string): string;
  /** Whether the person a role was assigned to is named. */
  showPeople: boolean;
}

/** Ids as they are, text as written, people named. */
export const PLAIN_NAMING: Naming = {
  role: (id) => id,
  dashboard: (id) => id,
  text: (s) => s,
  showPeople: true,
};

/** `{region: 'emea', cdn: 'cdn-b'}` → `region=emea, cdn=cdn-b`. */
export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** A lever call in words: `steer (region=emea, cdn=cdn-a)`. */
export function leverCallText(call: LeverCall): string {
  const args = labelsText(call.args);
  return args ? `${call.lever} (${args})` : call.lever;
}

type MitigateFailed = JournalEventOf<'action.mitigate.failed'>;

/** What an action did, in words. */
export function actionText(e: ActionJournalEvent | MitigateFailed, n: Naming): string {
  if (e.type === 'action.mitigate.failed') {
    const args = labelsText(e.args);
    return `mitigation ${e.lever}${args ? ` (${args})` : ''} failed: ${e.error}`;
  }
  switch (e.type) {
    case 'action.acknowledge':
      return `acknowledged the page${e.alert ? ` for ${e.alert}` : ''}`;
    case 'action.confirm':
      return `confirmed the alert is real against an independent source: ${n.text(e.source)}`;
    case 'action.scope': {
      const where = (['region', 'cdn', 'pop', 'isp', 'device'] as const)
        .filter((k) => e[k] !== undefined)
        .map((k) => `${k}=${e[k]}`);
      const viewers =
        e.viewersAffected !== undefined
          ? `, about ${Math.round(e.viewersAffected).toLocaleString('en-US')} viewers`
          : '';
      return `scoped the impact: ${where.join(', ') || 'global'}${viewers}`;
    }
    case 'action.declare':
      return `declared ${e.severity}`;
    case 'action.dashboard':
      return `opened the ${n.dashboard(e.dashboard)} dashboard`;
    case 'action.status':
      return `status page (${e.state}): "${n.text(e.message)}"`;
    case 'action.page':
      return `paged ${e.who}`;
    case 'action.mitigate': {
      const args = labelsText(e.args);
      return `mitigated: pulled the ${e.lever} lever${args ? ` (${args})` : ''}`;
    }
    case 'action.followup':
      return `follow-up filed: ${n.text(e.title)}${e.due ? ` (due ${e.due})` : ''}`;
    case 'action.rootcause':
      return `root cause: ${n.text(e.cause)}`;
    case 'action.bridge':
      return 'opened the executive bridge';
    case 'action.review':
      return `scheduled the post-incident review for ${e.scheduledFor}`;
    case 'action.assign':
      return `assigned the ${n.role(e.assignee)} role${n.showPeople && e.alias ? ` to ${e.alias}` : ''}`;
    case 'action.resolve':
      return 'resolved the incident';
    case 'action.note':
      return n.text(e.text);
  }
}

/**
 * The blameless review names roles, never people: every name a role was assigned to (anywhere in
 * the journal) is replaced with "the <role>" in free text.
 */
export function blamelessText(events: readonly JournalEvent[], roleName: (id: Role) => string) {
  const aliases: [RegExp, string][] = [];
  for (const e of events) {
    if (e.type !== 'action.assign' || !e.alias?.trim()) continue;
    const alias = e.alias.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    aliases.push([new RegExp(`\\b${alias}\\b`, 'gi'), `the ${roleName(e.assignee)}`]);
  }
  return (text: string): string => aliases.reduce((s, [re, role]) => s.replace(re, role), text);
}

const isKind = <K extends ActionKind>(
  e: ActionJournalEvent | MitigateFailed,
  kind: K,
): e is JournalEventOf<`action.${K}`> => e.type === `action.${kind}`;

/** When and by whom. */
export interface At {
  t: number;
  role: Role;
}

export interface StatusPost extends At {
  state: JournalEventOf<'action.status'>['state'];
  message: string;
}

export interface Mitigation extends At {
  lever: string;
  args: Record<string, string>;
  /** What the lever did, in words. */
  summary: string;
  /** The lever call that reverses it. */
  undo: LeverCall;
}

export type ScopeFields = Omit<JournalEventOf<'action.scope'>, 'v' | 't' | 'type' | 'role'>;

export interface IncidentState {
  /** The first acknowledgement. */
  acknowledged: At | null;
  /** The severity in force (the latest declaration). */
  declared: (At & { severity: Severity }) | null;
  /** The scope in force (the latest scoping). */
  scope: (At & { scope: ScopeFields }) | null;
  /** Who holds each role (assigned, with the person's name if given). */
  roles: Partial<Record<Role, { t: number; alias?: string }>>;
  /** Status page posts, oldest first. */
  status: StatusPost[];
  /** Levers pulled (each journaled as `lever.pulled`), with how to undo them. */
  mitigations: Mitigation[];
  /** The root cause as last stated. */
  rootCause: (At & { cause: string }) | null;
  /** The first resolve. */
  resolved: At | null;
}

/** One action in words. */
export interface ProjectedAction {
  t: number;
  /** acknowledge, declare, mitigate, … (`mitigate.failed` for a lever that failed). */
  kind: ActionKind | 'mitigate.failed';
  role: Role;
  text: string;
  event: ActionJournalEvent | MitigateFailed;
}

/** One line of the incident's timeline. */
export interface TimelineEntry {
  t: number;
  /** A role id; `system` for the drill and its alerting; `trainer` for narration and injects. */
  role: Role | 'system' | 'trainer';
  type: JournalEventType;
  text: string;
  event: JournalEvent;
}

/** Event types on the timeline that only a trainer sees: the faults are the drill's ground truth. */
export const GROUND_TRUTH_TYPES: readonly JournalEventType[] = ['fault.applied', 'fault.removed'];

/** The incident, projected event by event. */
export class IncidentProjection {
  readonly state: IncidentState = {
    acknowledged: null,
    declared: null,
    scope: null,
    roles: {},
    status: [],
    mitigations: [],
    rootCause: null,
    resolved: null,
  };
  readonly actions: ProjectedAction[] = [];
  readonly timeline: TimelineEntry[] = [];
  /** The fault type of each step in force (fault.removed names only the step). */
  private readonly faultOf = new Map<string, string>();

  constructor(readonly naming: Naming = PLAIN_NAMING) {}

  /** Every action event of one kind, in order. */
  of<K extends ActionKind>(kind: K): JournalEventOf<`action.${K}`>[] {
    const out: JournalEventOf<`action.${K}`>[] = [];
    for (const a of this.actions) if (isKind(a.event, kind)) out.push(a.event);
    return out;
  }

  /** The first action event of one kind. */
  first<K extends ActionKind>(kind: K): JournalEventOf<`action.${K}`> | undefined {
    for (const a of this.actions) if (isKind(a.event, kind)) return a.event;
    return undefined;
  }

  /** Takes the next journal event; returns the timeline entry it added, if any. */
  apply(e: JournalEvent): TimelineEntry | undefined {
    if (isActionEvent(e) || e.type === 'action.mitigate.failed') return this.onAction(e);
    if (isAlertEvent(e)) {
      const state = alertState(e);
      if (state === 'pending') return undefined;
      const labels = labelsText(e.labels);
      return this.entry(
        e,
        'system',
        `alert ${state}: ${e.rule} (${e.action})${labels ? ` {${labels}}` : ''}`,
      );
    }
    switch (e.type) {
      case 'run.started':
        return this.entry(e, 'system', `drill started: ${e.title}`);
      case 'run.halted':
        return this.entry(e, 'system', `drill halted: ${e.reason}`);
      case 'run.ended':
        return this.entry(e, 'system', `drill ended (${e.reason})`);
      case 'fault.applied':
        this.faultOf.set(e.step, e.fault);
        return this.entry(e, 'system', `fault injected: ${e.fault} (${e.step})`);
      case 'fault.removed': {
        const fault = this.faultOf.get(e.step) ?? 'fault';
        this.faultOf.delete(e.step);
        return this.entry(e, 'system', `fault removed: ${fault} (${e.step}, ${e.reason})`);
      }
      case 'page.sent':
        return this.entry(e, 'system', `paged ${e.to.join(', ')} for ${e.rule}`);
      case 'lever.pulled':
        this.state.mitigations.push({
          t: e.t,
          role: e.role,
          lever: e.lever,
          args: e.args,
          summary: this.naming.text(e.summary),
          undo: e.undo,
        });
        return undefined;
      case 'narration':
        return this.entry(e, 'trainer', `${e.inject ? 'inject' : 'narration'}: ${e.text}`);
      default:
        return undefined;
    }
  }

  private entry(e: JournalEvent, role: TimelineEntry['role'], text: string): TimelineEntry {
    const entry: TimelineEntry = { t: e.t, role, type: e.type, text, event: e };
    this.timeline.push(entry);
    return entry;
  }

  private onAction(e: ActionJournalEvent | MitigateFailed): TimelineEntry {
    const text = actionText(e, this.naming);
    const kind = e.type === 'action.mitigate.failed' ? 'mitigate.failed' : actionKind(e);
    this.actions.push({ t: e.t, kind, role: e.role, text, event: e });
    const at: At = { t: e.t, role: e.role };
    const s = this.state;
    switch (e.type) {
      case 'action.acknowledge':
        s.acknowledged ??= at;
        break;
      case 'action.declare':
        s.declared = { ...at, severity: e.severity };
        break;
      case 'action.scope': {
        const { v: _v, t: _t, type: _type, role: _role, ...scope } = e;
        s.scope = { ...at, scope };
        break;
      }
      case 'action.assign':
        s.roles[e.assignee] = { t: e.t, ...(e.alias ? { alias: e.alias } : {}) };
        break;
      case 'action.status':
        s.status.push({ ...at, state: e.state, message: e.message });
        break;
      case 'action.rootcause':
        s.rootCause = { ...at, cause: e.cause };
        break;
      case 'action.resolve':
        s.resolved ??= at;
        break;
    }
    return this.entry(e, e.role, text);
  }
}

/** The incident of a whole journal. */
export function projectIncident(
  events: readonly JournalEvent[],
  naming: Naming = PLAIN_NAMING,
): IncidentProjection {
  const p = new IncidentProjection(naming);
  for (const e of events) p.apply(e);
  return p;
}
