/**
 * Journal → report model. Everything the report writers show is derived here from the journal's
 * events alone (the scorecard is recomputed with the runbook), so a report can be written for any
 * run — virtual, real or replayed — even when result.json is missing.
 */
import type { Role } from '../../core/actions.ts';
import {
  type JournalEvent,
  type JournalEventOf,
  JournalFormatError,
  readJournal,
} from '../../core/journal.ts';
import {
  type AlertState,
  alertState,
  isAlertEvent,
  isSessionEvent,
  type RunMode,
  type StopReason,
  type TeamKind,
} from '../../core/journal-events.ts';
import type { ScenarioExpect } from '../../core/scenario-parts.ts';
import type { AlertRecord } from '../../drill/drill.ts';
import { checkExpectations, type ExpectationResult } from '../../drill/result.ts';
import { type ImpactSample, impactSampleOf } from '../../incident/impact.ts';
import {
  blamelessText,
  type IncidentProjection,
  type Mitigation,
  projectIncident,
} from '../../incident/projection.ts';
import type { Runbook } from '../../incident/runbook.ts';
import { type Scorecard, scoreJournal } from '../../incident/scoring.ts';
import { labelText } from './format.ts';

/** A journal the report cannot use; the message names the file (and line). */
export class ReportInputError extends Error {}

export interface RunInfo {
  scenario: string;
  title: string;
  mode: RunMode;
  seed: string | number;
  /** The scenario's declared wall-clock start (ISO 8601). */
  startAt: string;
  /** Clock time of run.started (ms). */
  startMs: number;
  timeZone: string;
  durationMs: number;
  team: TeamKind;
  viewers: number;
  sessions: number;
  expect: ScenarioExpect;
}

export interface FaultRow {
  step: string;
  fault: string;
  target: Record<string, unknown>;
  params: Record<string, unknown>;
  appliedAt: number;
  removedAt: number | null;
  reason?: 'step' | 'duration' | StopReason;
  updates: number;
}

export interface ActionRow {
  t: number;
  /** acknowledge, declare, mitigate, … (`mitigate.failed` for a lever that failed). */
  kind: string;
  role: Role;
  /** What was done, in words, with any person's name replaced by their role. */
  what: string;
  /** The dashboard id of a `dashboard` action. */
  dashboard?: string;
}

/** A lever pulled, with how to undo it (incident/projection.ts). */
export type LeverRow = Mitigation;

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
  endedBy: StopReason | 'journal ends without run.ended (run cut short?)';
  endedAt: number;
  halted: string | null;
  errors: string[];
  faults: FaultRow[];
  alerts: AlertRecord[];
  /** alert.* events in order, for "alerts in force at a moment". */
  alertEvents: {
    t: number;
    state: AlertState;
    rule: string;
    action: string;
    labels: Record<string, string>;
  }[];
  samples: ImpactSample[];
  actions: ActionRow[];
  levers: LeverRow[];
  followUps: FollowUpRow[];
  /** The incident as the journal tells it (state, actions in words, timeline). */
  incident: IncidentProjection;
  playerErrors: PlayerErrorRow[];
  /** session start events carrying a licence time (real runs): for the DRM dashboard. */
  licenceTimes: { t: number; drm: string; ms: number; weight: number }[];
  sessionEventsJournaled: boolean;
  scorecard: Scorecard;
  expectations: ExpectationResult[];
  runbook: Runbook;
  markers: Marker[];
}

/** A journal read for a report: its events and what the reader warned about (a torn last line). */
export interface ReportJournal {
  events: JournalEvent[];
  warnings: string[];
}

/** Reads a journal for a report; every failure is one line naming the file (and line). */
export async function readReportJournal(path: string): Promise<ReportJournal> {
  let read: ReportJournal;
  try {
    read = await readJournal(path);
  } catch (err) {
    if (err instanceof JournalFormatError) throw new ReportInputError(err.message);
    throw err;
  }
  if (read.events.length === 0) throw new ReportInputError(`${path}: the journal is empty`);
  if (!read.events.some((e) => e.type === 'run.started'))
    throw new ReportInputError(`${path}: not a run journal (no run.started event)`);
  return read;
}

function runInfo(e: JournalEventOf<'run.started'>): RunInfo {
  return {
    scenario: e.scenario,
    title: e.title,
    mode: e.mode,
    seed: e.seed,
    startAt: e.startAt,
    startMs: e.t,
    timeZone: e.timeZone,
    durationMs: e.durationMs,
    team: e.team,
    viewers: e.population.viewers,
    sessions: e.population.sessions,
    expect: e.expect,
  };
}

/** Rebuilds the alert records (pending → firing → resolved per rule and labels) like the drill does. */
function alertRecords(events: readonly JournalEvent[]): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const e of events) {
    if (!isAlertEvent(e)) continue;
    const state = alertState(e);
    const key = JSON.stringify([e.rule, e.labels]);
    let r = [...out].reverse().find((a) => JSON.stringify([a.rule, a.labels]) === key && !a.resolvedAt);
    if (!r || (state === 'pending' && r.firedAt !== undefined)) {
      r = { rule: e.rule, action: e.action, labels: e.labels, peakValue: null };
      out.push(r);
    }
    if (state === 'pending') r.pendingAt = e.t;
    if (state === 'firing') r.firedAt = e.t;
    if (state === 'resolved') r.resolvedAt = e.t;
    if (e.value !== null) r.peakValue = Math.max(r.peakValue ?? e.value, e.value);
  }
  return out;
}

export function buildModel(
  journalPath: string,
  events: readonly JournalEvent[],
  runbook: Runbook,
): ReportModel {
  const started = events.find((e) => e.type === 'run.started');
  if (!started) throw new ReportInputError(`${journalPath}: not a run journal (no run.started event)`);
  const run = runInfo(started);
  const roleName = (r: string) => runbook.roles.find((x) => x.id === r)?.name ?? r;
  // The review is blameless: runbook names, and people's names replaced with their roles.
  const incident = projectIncident(events, {
    role: roleName,
    dashboard: (id) => runbook.dashboards.find((d) => d.id === id)?.name ?? id,
    text: blamelessText(events, roleName),
    showPeople: false,
  });

  const faults: FaultRow[] = [];
  const samples: ImpactSample[] = [];
  const playerErrors: PlayerErrorRow[] = [];
  const licenceTimes: ReportModel['licenceTimes'] = [];
  const alertEvents: ReportModel['alertEvents'] = [];
  const errors: string[] = [];
  let halted: string | null = null;
  let ended: JournalEventOf<'run.ended'> | undefined;
  let sessionEventsJournaled = false;

  for (const e of events) {
    if (e.type === 'fault.applied') {
      faults.push({
        step: e.step,
        fault: e.fault,
        target: e.target,
        params: e.params,
        appliedAt: e.t,
        removedAt: null,
        updates: 0,
      });
    } else if (e.type === 'fault.updated' || e.type === 'fault.removed') {
      const f = [...faults].reverse().find((x) => x.step === e.step && x.removedAt === null);
      if (!f) continue;
      if (e.type === 'fault.updated') {
        f.updates++;
        f.params = e.params;
      } else {
        f.removedAt = e.t;
        f.reason = e.reason;
      }
    } else if (isAlertEvent(e)) {
      alertEvents.push({ t: e.t, state: alertState(e), rule: e.rule, action: e.action, labels: e.labels });
    } else if (e.type === 'impact.sample') {
      samples.push(impactSampleOf(e));
    } else if (isSessionEvent(e)) {
      sessionEventsJournaled = true;
      const { labels, data, weight } = e;
      if (e.type === 'session.playerError' || e.type === 'session.playbackFail') {
        const err = data?.error;
        playerErrors.push({
          t: e.t,
          code: err?.code ?? (e.type === 'session.playbackFail' ? 'playback failed' : 'unknown'),
          category: err?.category ?? '-',
          player: err?.player ?? labels.player,
          device: labels.device,
          drm: labels.drm,
          isp: labels.isp,
          cdn: labels.cdn,
          fatal: err?.fatal === true || e.type === 'session.playbackFail',
          weight,
        });
      } else if (e.type === 'session.playbackStart' && data?.licenceMs !== undefined) {
        licenceTimes.push({ t: e.t, drm: labels.drm, ms: data.licenceMs, weight });
      }
    } else if (e.type === 'run.halted') {
      halted = e.reason;
    } else if (e.type === 'run.error') {
      errors.push(e.message);
    } else if (e.type === 'run.ended') {
      ended = e;
    }
  }

  const actions: ActionRow[] = incident.actions.map((a) => ({
    t: a.t,
    kind: a.kind,
    role: a.role,
    what: a.text,
    ...(a.event.type === 'action.dashboard' ? { dashboard: a.event.dashboard } : {}),
  }));
  const followUps: FollowUpRow[] = incident.of('followup').map((f) => ({
    t: f.t,
    title: incident.naming.text(f.title),
    ...(f.due !== undefined ? { due: f.due } : {}),
    role: f.role,
  }));
  const scorecard = scoreJournal(events, runbook);
  const alerts = alertRecords(events);
  // run.started carries the scenario's `expect` block verbatim.
  const expectations = checkExpectations(run.expect, alerts, scorecard.times.impactStart ?? null, scorecard);
  const endedAt = ended?.t ?? events.at(-1)!.t;
  const endedBy = ended ? ended.reason : 'journal ends without run.ended (run cut short?)';
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
    levers: incident.state.mitigations,
    followUps,
    incident,
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
