/**
 * Journal → report model. Everything the report writers show is derived here from the journal's
 * events alone (the scorecard is recomputed with the runbook), so a report can be written for any
 * run — virtual, real or replayed — even when result.json is missing.
 */
import { type JournalEvent, JournalFormatError, readJournal } from '../../core/journal.ts';
import type { AlertRecord } from '../../drill/drill.ts';
import { checkExpectations, type ExpectationResult } from '../../drill/result.ts';
import type { ImpactFigures, ImpactSample } from '../../incident/impact.ts';
import type { Runbook } from '../../incident/runbook.ts';
import { type Scorecard, scoreJournal } from '../../incident/scoring.ts';
import type { LoadedScenario } from '../../scenarios/load.ts';
import { labelText } from './format.ts';

/** A journal the report cannot use; the message names the file (and line). */
export class ReportInputError extends Error {}

export interface RunInfo {
  scenario: string;
  title: string;
  mode: string;
  seed: string | number;
  /** The scenario's declared wall-clock start (ISO 8601). */
  startAt: string;
  /** Clock time of run.started (ms). */
  startMs: number;
  timeZone: string;
  durationMs: number;
  team: string;
  viewers: number | null;
  sessions: number | null;
  expect: {
    severity?: string;
    scope?: Record<string, string | string[]>;
    mitigations: string[];
    alerts: {
      mustFire: { alert: string; labels: Record<string, string>; within?: number }[];
      mustNotFire: { alert: string; labels: Record<string, string> }[];
    };
  };
}

export interface FaultRow {
  step: string;
  fault: string;
  target: Record<string, unknown>;
  params: Record<string, unknown>;
  appliedAt: number;
  removedAt: number | null;
  reason?: string;
  updates: number;
}

export interface ActionRow {
  t: number;
  /** acknowledge, declare, mitigate, … (`mitigate.failed` for a lever that failed). */
  kind: string;
  role: string;
  /** What was done, in words, with any person's name replaced by their role. */
  what: string;
  /** The dashboard id of a `dashboard` action. */
  dashboard?: string;
}

export interface LeverRow {
  t: number;
  lever: string;
  args: Record<string, string>;
  summary: string;
  undo: string;
  role: string;
}

export interface FollowUpRow {
  t: number;
  title: string;
  due?: string;
  role: string;
}

export type MarkerKind =
  | 'fault-applied'
  | 'fault-removed'
  | 'alert-firing'
  | 'alert-resolved'
  | 'acknowledge'
  | 'declare'
  | 'mitigate'
  | 'impact-reduced'
  | 'recovery'
  | 'resolve';

export interface Marker {
  t: number;
  kind: MarkerKind;
  /** Short label drawn on the chart. */
  label: string;
  /** Full description for the legend. */
  detail: string;
}

/** A player error or failed start seen by a real (or journaled model) player session. */
export interface PlayerErrorRow {
  t: number;
  code: string;
  category: string;
  player: string;
  device: string;
  drm: string;
  isp: string;
  cdn: string;
  fatal: boolean;
  weight: number;
}

export interface ReportModel {
  journalPath: string;
  run: RunInfo;
  endedBy: string;
  endedAt: number;
  halted: string | null;
  errors: string[];
  faults: FaultRow[];
  alerts: AlertRecord[];
  /** alert.* events in order, for "alerts in force at a moment". */
  alertEvents: { t: number; state: string; rule: string; action: string; labels: Record<string, string> }[];
  samples: ImpactSample[];
  actions: ActionRow[];
  levers: LeverRow[];
  followUps: FollowUpRow[];
  playerErrors: PlayerErrorRow[];
  /** session start events carrying a licence time (real runs): for the DRM dashboard. */
  licenceTimes: { t: number; drm: string; ms: number; weight: number }[];
  sessionEventsJournaled: boolean;
  scorecard: Scorecard;
  expectations: ExpectationResult[];
  runbook: Runbook;
  markers: Marker[];
}

/** Reads a journal for a report; every failure is one line naming the file (and line). */
export async function readReportJournal(path: string): Promise<JournalEvent[]> {
  let events: JournalEvent[];
  try {
    events = await readJournal(path);
  } catch (err) {
    if (err instanceof JournalFormatError) throw new ReportInputError(err.message);
    throw err;
  }
  if (events.length === 0) throw new ReportInputError(`${path}: the journal is empty`);
  const startIdx = events.findIndex((e) => e.type === 'run.started');
  if (startIdx < 0) throw new ReportInputError(`${path}: not a run journal (no run.started event)`);
  return events;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const rec = <T = unknown>(v: unknown): Record<string, T> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, T>) : {};

function runInfo(e: JournalEvent): RunInfo {
  const expect = rec(e.expect);
  const alerts = rec(expect.alerts);
  const population = rec<number>(e.population);
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  const startAt = str(e.startAt, new Date(e.t).toISOString());
  return {
    scenario: str(e.scenario, 'unknown'),
    title: str(e.title, str(e.scenario, 'untitled run')),
    mode: str(e.mode, 'unknown'),
    seed: typeof e.seed === 'number' || typeof e.seed === 'string' ? e.seed : '-',
    startAt,
    startMs: e.t,
    timeZone: str(e.timeZone, 'UTC'),
    durationMs: typeof e.durationMs === 'number' ? e.durationMs : 0,
    team: str(e.team, '-'),
    viewers: typeof population.viewers === 'number' ? population.viewers : null,
    sessions: typeof population.sessions === 'number' ? population.sessions : null,
    expect: {
      ...(typeof expect.severity === 'string' ? { severity: expect.severity } : {}),
      ...(expect.scope ? { scope: rec<string | string[]>(expect.scope) } : {}),
      mitigations: list<string>(expect.mitigations),
      alerts: {
        mustFire: list<{ alert: string; labels?: Record<string, string>; within?: number }>(
          alerts.mustFire,
        ).map((m) => ({ ...m, labels: m.labels ?? {} })),
        mustNotFire: list<{ alert: string; labels?: Record<string, string> }>(alerts.mustNotFire).map(
          (m) => ({ ...m, labels: m.labels ?? {} }),
        ),
      },
    },
  };
}

/** Rebuilds the alert records (pending → firing → resolved per rule and labels) like the drill does. */
function alertRecords(events: JournalEvent[]): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const e of events) {
    if (!e.type.startsWith('alert.')) continue;
    const state = e.type.slice('alert.'.length);
    const labels = rec<string>(e.labels);
    const key = JSON.stringify([e.rule, labels]);
    let r = [...out].reverse().find((a) => JSON.stringify([a.rule, a.labels]) === key && !a.resolvedAt);
    if (!r || (state === 'pending' && r.firedAt !== undefined)) {
      r = { rule: str(e.rule), action: str(e.action), labels, peakValue: null };
      out.push(r);
    }
    if (state === 'pending') r.pendingAt = e.t;
    if (state === 'firing') r.firedAt = e.t;
    if (state === 'resolved') r.resolvedAt = e.t;
    if (typeof e.value === 'number') r.peakValue = Math.max(r.peakValue ?? e.value, e.value);
  }
  return out;
}

/**
 * Free text (notes, status messages, follow-up titles) may carry a responder's name. The report is
 * blameless — roles only — so every alias a role was assigned to is replaced with the role.
 */
function redactor(events: JournalEvent[], roleName: (r: string) => string): (text: string) => string {
  const aliases: [RegExp, string][] = [];
  for (const e of events) {
    if (e.type !== 'action.assign' || typeof e.alias !== 'string' || !e.alias.trim()) continue;
    const alias = e.alias.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    aliases.push([new RegExp(`\\b${alias}\\b`, 'gi'), `the ${roleName(str(e.assignee, 'responder'))}`]);
  }
  return (text) => aliases.reduce((s, [re, role]) => s.replace(re, role), text);
}

function describeAction(
  e: JournalEvent,
  kind: string,
  dashboardName: (id: string) => string,
  roleName: (r: string) => string,
  redact: (s: string) => string,
): string {
  const args = rec<string>(e.args);
  const argText = Object.keys(args).length ? ` (${labelText(args)})` : '';
  switch (kind) {
    case 'acknowledge':
      return `acknowledged the page${e.alert ? ` for ${str(e.alert)}` : ''}`;
    case 'confirm':
      return `confirmed the alert is real against an independent source: ${redact(str(e.source))}`;
    case 'scope': {
      const where = ['region', 'cdn', 'pop', 'isp', 'device']
        .filter((k) => typeof e[k] === 'string')
        .map((k) => `${k}=${str(e[k])}`);
      const viewers =
        typeof e.viewersAffected === 'number'
          ? `, about ${Math.round(e.viewersAffected).toLocaleString('en-US')} viewers`
          : '';
      return `scoped the impact: ${where.join(', ') || 'global'}${viewers}`;
    }
    case 'declare':
      return `declared ${str(e.severity)}`;
    case 'dashboard':
      return `opened the ${dashboardName(str(e.dashboard))} dashboard`;
    case 'status':
      return `status page (${str(e.state, 'investigating')}): "${redact(str(e.message))}"`;
    case 'page':
      return `paged ${str(e.who)}`;
    case 'mitigate':
      return `mitigated: pulled the ${str(e.lever)} lever${argText}`;
    case 'mitigate.failed':
      return `mitigation ${str(e.lever)}${argText} failed: ${str(e.error)}`;
    case 'followup':
      return `follow-up filed: ${redact(str(e.title))}${e.due ? ` (due ${str(e.due)})` : ''}`;
    case 'rootcause':
      return `root cause: ${redact(str(e.cause))}`;
    case 'bridge':
      return 'opened the executive bridge';
    case 'review':
      return `scheduled the post-incident review for ${str(e.scheduledFor)}`;
    case 'assign':
      // The alias is a person's name: deliberately left out.
      return `took the ${roleName(str(e.assignee))} role`;
    case 'resolve':
      return 'resolved the incident';
    case 'note':
      return redact(str(e.text));
    default:
      return kind;
  }
}

export function buildModel(journalPath: string, events: JournalEvent[], runbook: Runbook): ReportModel {
  const started = events.find((e) => e.type === 'run.started')!;
  const run = runInfo(started);
  const roleName = (r: string) => runbook.roles.find((x) => x.id === r)?.name ?? r;
  const dashboardName = (id: string) => runbook.dashboards.find((d) => d.id === id)?.name ?? id;
  const redact = redactor(events, roleName);

  const faults: FaultRow[] = [];
  const actions: ActionRow[] = [];
  const levers: LeverRow[] = [];
  const followUps: FollowUpRow[] = [];
  const samples: ImpactSample[] = [];
  const playerErrors: PlayerErrorRow[] = [];
  const licenceTimes: ReportModel['licenceTimes'] = [];
  const alertEvents: ReportModel['alertEvents'] = [];
  const errors: string[] = [];
  let halted: string | null = null;
  let ended: JournalEvent | undefined;
  let sessionEventsJournaled = false;

  for (const e of events) {
    if (e.type === 'fault.applied') {
      faults.push({
        step: str(e.step),
        fault: str(e.fault),
        target: rec(e.target),
        params: rec(e.params),
        appliedAt: e.t,
        removedAt: null,
        updates: 0,
      });
    } else if (e.type === 'fault.updated' || e.type === 'fault.removed') {
      const f = [...faults].reverse().find((x) => x.step === e.step && x.removedAt === null);
      if (!f) continue;
      if (e.type === 'fault.updated') {
        f.updates++;
        if (e.params) f.params = rec(e.params);
      } else {
        f.removedAt = e.t;
        f.reason = str(e.reason, 'removed');
      }
    } else if (e.type.startsWith('alert.')) {
      alertEvents.push({
        t: e.t,
        state: e.type.slice('alert.'.length),
        rule: str(e.rule),
        action: str(e.action),
        labels: rec<string>(e.labels),
      });
    } else if (e.type === 'impact.sample') {
      samples.push({ t: e.t, global: e.global as ImpactFigures, slices: rec(e.slices) });
    } else if (e.type === 'lever.pulled') {
      levers.push({
        t: e.t,
        lever: str(e.lever),
        args: rec<string>(e.args),
        summary: redact(str(e.summary)),
        undo: str(e.undo),
        role: str(e.role, '-'),
      });
    } else if (e.type.startsWith('action.')) {
      const kind = e.type.slice('action.'.length);
      actions.push({
        t: e.t,
        kind,
        role: str(e.role, '-'),
        what: describeAction(e, kind, dashboardName, roleName, redact),
        ...(kind === 'dashboard' ? { dashboard: str(e.dashboard) } : {}),
      });
      if (kind === 'followup')
        followUps.push({
          t: e.t,
          title: redact(str(e.title)),
          ...(typeof e.due === 'string' ? { due: e.due } : {}),
          role: str(e.role, '-'),
        });
    } else if (e.type.startsWith('session.')) {
      sessionEventsJournaled = true;
      const labels = rec<string>(e.labels);
      const data = rec(e.data);
      const weight = typeof e.weight === 'number' ? e.weight : 1;
      if (e.type === 'session.playerError' || e.type === 'session.playbackFail') {
        const err = rec(data.error);
        playerErrors.push({
          t: e.t,
          code: str(err.code, e.type === 'session.playbackFail' ? 'playback failed' : 'unknown'),
          category: str(err.category, '-'),
          player: str(err.player, str(labels.player, '-')),
          device: str(labels.device, '-'),
          drm: str(labels.drm, '-'),
          isp: str(labels.isp, '-'),
          cdn: str(labels.cdn, '-'),
          fatal: err.fatal === true || e.type === 'session.playbackFail',
          weight,
        });
      } else if (e.type === 'session.playbackStart' && typeof data.licenceMs === 'number') {
        licenceTimes.push({ t: e.t, drm: str(labels.drm, '-'), ms: data.licenceMs, weight });
      }
    } else if (e.type === 'run.halted') {
      halted = str(e.reason, 'halted');
    } else if (e.type === 'run.error') {
      errors.push(str(e.message));
    } else if (e.type === 'run.ended') {
      ended = e;
    }
  }

  const scorecard = scoreJournal(events, runbook);
  const alerts = alertRecords(events);
  // run.started carries the scenario's `expect` block verbatim.
  const expectations = checkExpectations(
    run.expect as Parameters<typeof checkExpectations>[0],
    alerts,
    scorecard.times.impactStart ?? null,
    scorecard,
  );
  const endedAt = ended?.t ?? events.at(-1)!.t;
  const endedBy = ended ? str(ended.reason, 'end') : 'journal ends without run.ended (run cut short?)';
  const model: ReportModel = {
    journalPath,
    run,
    endedBy,
    endedAt,
    halted,
    errors,
    faults,
    alerts,
    alertEvents,
    samples,
    actions,
    levers,
    followUps,
    playerErrors,
    licenceTimes,
    sessionEventsJournaled,
    scorecard,
    expectations,
    runbook,
    markers: [],
  };
  model.markers = buildMarkers(model);
  return model;
}

/**
 * Chart markers. Alerts are marked per distinct time (several rules often fire on one tick), and
 * only the page/investigate ones: tickets would bury the chart; they are in the alerts table.
 */
function buildMarkers(m: ReportModel): Marker[] {
  const out: Marker[] = [];
  // One marker per kind and time; a lone event is labelled with its own short name.
  const group = (
    kind: MarkerKind,
    items: { t: number; text: string; short?: string }[],
    short: (n: number) => string,
  ) => {
    const byT = new Map<number, typeof items>();
    for (const i of items) byT.set(i.t, [...(byT.get(i.t) ?? []), i]);
    for (const [t, list] of byT)
      out.push({
        t,
        kind,
        label: list.length === 1 && list[0]!.short ? list[0]!.short : short(list.length),
        detail: list.map((i) => i.text).join('; '),
      });
  };
  group(
    'fault-applied',
    m.faults.map((f) => ({ t: f.appliedAt, text: `${f.fault} [${f.step}]` })),
    (n) => (n > 1 ? `${n} faults applied` : 'fault applied'),
  );
  group(
    'fault-removed',
    m.faults
      .filter((f) => f.removedAt !== null)
      .map((f) => ({ t: f.removedAt!, text: `${f.fault} [${f.step}] (${f.reason})` })),
    (n) => (n > 1 ? `${n} faults removed` : 'fault removed'),
  );
  const loud = (a: { action: string }) => a.action === 'page' || a.action === 'investigate';
  group(
    'alert-firing',
    m.alertEvents
      .filter((a) => a.state === 'firing' && loud(a))
      .map((a) => ({
        t: a.t,
        text: `${a.rule} (${labelText(a.labels)}) [${a.action}]`,
        short: `${a.rule} firing`,
      })),
    (n) => (n > 1 ? `${n} alerts firing` : 'alert firing'),
  );
  group(
    'alert-resolved',
    m.alertEvents
      .filter((a) => a.state === 'resolved' && loud(a))
      .map((a) => ({ t: a.t, text: `${a.rule} (${labelText(a.labels)})`, short: `${a.rule} resolved` })),
    (n) => (n > 1 ? `${n} alerts resolved` : 'alert resolved'),
  );
  const firstOf = (kind: string) => m.actions.find((a) => a.kind === kind);
  const ack = firstOf('acknowledge');
  if (ack) out.push({ t: ack.t, kind: 'acknowledge', label: 'ack', detail: `${ack.role}: ${ack.what}` });
  for (const d of m.actions.filter((a) => a.kind === 'declare'))
    out.push({ t: d.t, kind: 'declare', label: d.what.replace('declared ', 'declare '), detail: d.what });
  for (const l of m.levers)
    out.push({ t: l.t, kind: 'mitigate', label: `mitigate: ${l.lever}`, detail: l.summary || l.lever });
  const { impactReduced, recovered } = m.scorecard.times;
  if (typeof impactReduced === 'number')
    out.push({
      t: impactReduced,
      kind: 'impact-reduced',
      label: 'impact halved',
      detail: 'the impact in scope fell below half its peak',
    });
  if (typeof recovered === 'number')
    out.push({
      t: recovered,
      kind: 'recovery',
      label: 'recovered',
      detail: 'back within 1.5x the pre-fault baseline and staying there',
    });
  const res = firstOf('resolve');
  if (res) out.push({ t: res.t, kind: 'resolve', label: 'resolve', detail: `${res.role}: ${res.what}` });
  return out.sort((a, b) => a.t - b.t);
}

/** The impact sample in force at `t` (the last one at or before it), if any. */
export function sampleAt(m: ReportModel, t: number): ImpactSample | undefined {
  let found: ImpactSample | undefined;
  for (const s of m.samples) {
    if (s.t > t) break;
    found = s;
  }
  return found ?? m.samples[0];
}
