/**
 * Every journal event type, defined once: a zod schema per `type`, their discriminated union, and
 * the TypeScript types derived from them — in the spirit of hls.js's `src/events.ts` (event name →
 * payload type). Writers can only write these (`JournalSink.write` takes {@link JournalEvent});
 * `readJournal` (journal.ts) validates every line against them, so readers get typed events.
 *
 * Every line has `v` (the journal version, {@link JOURNAL_VERSION}), `t` (clock time, ms since
 * the epoch) and `type` (`<stage>.<what>`); the rest is the event's payload, written in the key
 * order of the shapes below. Unknown payload keys are ignored on reading (a reader of this version
 * keeps what it knows), a missing or mistyped one is an error.
 *
 * Payload vocabularies that later stages own are reused from below them: actions and levers from
 * `actions.ts`, the scenario's `expect` block and a fault step's target and params from
 * `scenario-parts.ts`, session labels and data from `events.ts`. Two are validated here only as
 * numbers by name because their names belong to later stages: impact figures (`ImpactFigures`,
 * incident/impact.ts, which reads them back typed) and the collector's QoE snapshots.
 */
import { z } from 'zod';
import { ACTION_FIELDS, type Action, type ActionKind, LeverCallSchema, RoleSchema } from './actions.ts';
import {
  SESSION_EVENT_TYPES,
  type SessionEvent,
  SessionEventDataSchema,
  type SessionEventType,
  SessionLabelsSchema,
} from './events.ts';
import { FaultParamsSchema, JournaledExpectSchema, LabelMatchSchema } from './scenario-parts.ts';

/** The journal version this code writes and reads. */
export const JOURNAL_VERSION = 1;

/** How a run ended (and why the faults still in force at the end were removed). */
export const STOP_REASONS = ['end', 'halt', 'interrupt', 'error'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const TEAM_KINDS = ['script', 'bot', 'none'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

export const RUN_MODES = ['virtual', 'real'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

const event = <T extends string, S extends z.ZodRawShape>(type: T, payload: S) =>
  z.object({ v: z.literal(JOURNAL_VERSION), t: z.number(), type: z.literal(type), ...payload });

const labels = z.record(z.string(), z.string());

/**
 * Impact figures by name, every one a number. The names are incident/impact.ts's `ImpactFigures`
 * (owned by the metric catalogue); journals written before a figure existed lack it.
 */
export const FiguresSchema = z.record(z.string(), z.number());

const alert = <T extends `alert.${AlertState}`>(type: T) =>
  event(type, {
    rule: z.string(),
    action: z.string(),
    labels,
    value: z.number().nullable(),
    /** When the condition first held (pending since). */
    activeSince: z.number(),
    summary: z.string(),
  });

/** A QoE snapshot of the collector (metrics/engine.ts `QoeMetrics`, compacted): named values. */
const qoeSnapshot = z.record(z.string(), z.unknown());

const session = <T extends SessionEventType>(type: T) =>
  event(`session.${type}` as `session.${T}`, {
    sid: z.string(),
    labels: SessionLabelsSchema,
    weight: z.number().nonnegative(),
    data: SessionEventDataSchema.optional(),
  });

const action = <K extends ActionKind>(kind: K) =>
  event(`action.${kind}` as `action.${K}`, { role: RoleSchema }).extend(ACTION_FIELDS[kind]);

/** The drill's own events (everything but the players' session stream). */
const DRILL_EVENTS = {
  'run.started': event('run.started', {
    scenario: z.string(),
    title: z.string(),
    mode: z.enum(RUN_MODES),
    seed: z.union([z.string(), z.number()]),
    /** The scenario's declared wall-clock start (ISO 8601). */
    startAt: z.string(),
    timeZone: z.string(),
    durationMs: z.number().nonnegative(),
    /** The alert rule file the run evaluated. */
    rules: z.string(),
    team: z.enum(TEAM_KINDS),
    population: z.object({ viewers: z.number(), sessions: z.number() }),
    expect: JournaledExpectSchema,
  }),
  'run.error': event('run.error', { message: z.string() }),
  'run.halted': event('run.halted', { reason: z.string() }),
  'run.ended': event('run.ended', { reason: z.enum(STOP_REASONS) }),
  'fault.applied': event('fault.applied', {
    /** The step's id (`step-<index>` when it has none). */
    step: z.string(),
    /** The fault type (faults/ owns the names). */
    fault: z.string(),
    target: LabelMatchSchema,
    params: FaultParamsSchema,
    note: z.string().optional(),
  }),
  'fault.updated': event('fault.updated', { step: z.string(), params: z.record(z.string(), z.number()) }),
  'fault.removed': event('fault.removed', {
    step: z.string(),
    /** A remove step, the step's duration, or how the run ended. */
    reason: z.enum(['step', 'duration', ...STOP_REASONS]),
  }),
  'alert.pending': alert('alert.pending'),
  'alert.firing': alert('alert.firing'),
  'alert.resolved': alert('alert.resolved'),
  'page.sent': event('page.sent', { to: z.array(z.string()), rule: z.string(), labels }),
  'impact.sample': event('impact.sample', {
    global: FiguresSchema,
    /** slice dimension (region, cdn, pop, …) → value → figures. */
    slices: z.record(z.string(), z.record(z.string(), FiguresSchema)),
  }),
  'lever.pulled': event('lever.pulled', {
    ...LeverCallSchema.shape,
    summary: z.string(),
    /** The lever call that reverses this one. */
    undo: LeverCallSchema,
    role: RoleSchema,
  }),
  'action.acknowledge': action('acknowledge'),
  'action.confirm': action('confirm'),
  'action.scope': action('scope'),
  'action.declare': action('declare'),
  'action.dashboard': action('dashboard'),
  'action.status': action('status'),
  'action.page': action('page'),
  'action.mitigate': action('mitigate'),
  'action.followup': action('followup'),
  'action.rootcause': action('rootcause'),
  'action.bridge': action('bridge'),
  'action.review': action('review'),
  'action.assign': action('assign'),
  'action.resolve': action('resolve'),
  'action.note': action('note'),
  'action.mitigate.failed': event('action.mitigate.failed', {
    role: RoleSchema,
    ...LeverCallSchema.shape,
    error: z.string(),
  }),
  narration: event('narration', { text: z.string(), inject: z.boolean(), role: z.literal('trainer') }),
  /** The scribe's note on a timeline entry (its index in the console's scribe timeline). */
  'scribe.note': event('scribe.note', { entry: z.number().int().min(0), role: RoleSchema, text: z.string() }),
  'play.start': event('play.start', {
    players: z.number().int(),
    weight: z.number(),
    cohorts: z.string().nullable(),
    /** The stack's control API. */
    control: z.string(),
    /** The fleet's viewers (player-harness/cohorts.ts `ViewerSpec`). */
    viewers: z.array(z.looseObject({ slot: z.number().int() })),
  }),
  'play.end': event('play.end', { interrupted: z.string().nullable() }),
};

/** The players' stream: session events and the collector's samples, held and written in time order. */
const PLAYER_EVENTS = {
  'session.playbackRequest': session('playbackRequest'),
  'session.playbackStart': session('playbackStart'),
  'session.playbackStall': session('playbackStall'),
  'session.playbackStallEnd': session('playbackStallEnd'),
  'session.playbackFail': session('playbackFail'),
  'session.renditionUpdate': session('renditionUpdate'),
  'session.playbackPause': session('playbackPause'),
  'session.playbackResume': session('playbackResume'),
  'session.playbackExit': session('playbackExit'),
  'session.playbackFinish': session('playbackFinish'),
  'session.playerError': session('playerError'),
  'session.pathwayChange': session('pathwayChange'),
  'session.heartbeat': session('heartbeat'),
  'metrics.sample': event('metrics.sample', {
    windowMs: z.number(),
    overall: qoeSnapshot,
    /** report dimension → slice value → snapshot. */
    by: z.record(z.string(), z.record(z.string(), qoeSnapshot)),
  }),
} satisfies { [K in `session.${SessionEventType}`]: unknown } & Record<string, unknown>;

/** Every event type → its schema. */
export const JOURNAL_EVENTS = { ...DRILL_EVENTS, ...PLAYER_EVENTS };

export type JournalEventType = keyof typeof JOURNAL_EVENTS;
/** The event of one type, e.g. `JournalEventOf<'lever.pulled'>`. */
export type JournalEventOf<T extends JournalEventType> = z.output<(typeof JOURNAL_EVENTS)[T]>;
/** Any journal event: narrow it on `type`. */
export type JournalEvent = { [T in JournalEventType]: JournalEventOf<T> }[JournalEventType];
/** An event as a writer hands it over before the clock stamps it. */
export type JournalPayload = Unstamped<JournalEvent>;
type Unstamped<E> = E extends unknown ? Omit<E, 'v' | 't'> : never;

export type SessionJournalEvent = JournalEventOf<`session.${SessionEventType}`>;
export type ActionJournalEvent = JournalEventOf<`action.${ActionKind}`>;
export type AlertJournalEvent = JournalEventOf<`alert.${AlertState}`>;

/** The union, for tools that want one schema (readJournal looks the type up instead: faster). */
export const JournalEventSchema = z.discriminatedUnion(
  'type',
  Object.values(JOURNAL_EVENTS) as [
    (typeof JOURNAL_EVENTS)[JournalEventType],
    ...(typeof JOURNAL_EVENTS)[JournalEventType][],
  ],
);

const PLAYER_TYPES = new Set<string>(Object.keys(PLAYER_EVENTS));

/**
 * The journal holds two streams, each in time order: the drill's events, written as they happen,
 * and the players' (session events and collector samples), which a real run holds for a reorder
 * horizon and writes sorted — so a player event may land a few seconds after later drill events.
 */
export function journalStream(type: string): 'players' | 'drill' {
  return PLAYER_TYPES.has(type) ? 'players' : 'drill';
}

/** The events of one type, typed: `eventsOf(events, 'lever.pulled')`. */
export function eventsOf<T extends JournalEventType>(
  events: readonly JournalEvent[],
  type: T,
): JournalEventOf<T>[] {
  return events.filter((e): e is JournalEventOf<T> => e.type === type);
}

export const isJournalEventType = (type: string): type is JournalEventType =>
  Object.hasOwn(JOURNAL_EVENTS, type);

const SESSION_TYPES = new Set<string>(SESSION_EVENT_TYPES.map((s) => `session.${s}`));

export const isSessionEvent = (e: JournalEvent): e is SessionJournalEvent => SESSION_TYPES.has(e.type);

export const isActionEvent = (e: JournalEvent): e is ActionJournalEvent =>
  e.type.startsWith('action.') && e.type !== 'action.mitigate.failed';

export const isAlertEvent = (e: JournalEvent): e is AlertJournalEvent => e.type.startsWith('alert.');

/** An action event's kind (`action.declare` → `declare`). */
export const actionKind = (e: ActionJournalEvent): ActionKind => e.type.slice('action.'.length) as ActionKind;

/** An alert event's state (`alert.firing` → `firing`). */
export const alertState = (e: AlertJournalEvent): AlertState => e.type.slice('alert.'.length) as AlertState;

/** An action as its journal line: `action.<kind>` with the role and the action's fields. */
export function actionJournalEvent(action: Action, t: number): ActionJournalEvent {
  const { kind, ...fields } = action;
  // The kind and its fields correlate (one union member each); TypeScript cannot follow that
  // through the rest spread, so the line is asserted to be the event of that kind.
  return { v: JOURNAL_VERSION, t, type: `action.${kind}`, ...fields } as ActionJournalEvent;
}

/** A session event as a journal line: `session.<type>` with its session, labels, weight and data. */
export function sessionJournalEvent(e: SessionEvent): SessionJournalEvent {
  return {
    v: JOURNAL_VERSION,
    t: e.t,
    type: `session.${e.type}`,
    sid: e.sid,
    labels: e.labels,
    weight: e.weight,
    ...(e.data ? { data: e.data } : {}),
  };
}

/** The inverse of {@link sessionJournalEvent}: a journaled `session.*` line back as a session event. */
export function sessionEventFromJournal(e: SessionJournalEvent): SessionEvent {
  return {
    sid: e.sid,
    type: e.type.slice('session.'.length) as SessionEventType,
    t: e.t,
    labels: e.labels,
    weight: e.weight,
    ...(e.data ? { data: e.data } : {}),
  };
}
