/**
 * The console's HTTP contract, shared by the server (`server.ts`) and the React app (`app/`).
 * Everything the console shows comes from these shapes; every button posts an action through
 * `POST /api/act`, the same endpoint `streamdrill act` uses, so the console and the CLI produce
 * the same journal events.
 *
 * Routes (JSON unless said; when the console is exposed beyond loopback every `/api` route needs
 * `Authorization: Bearer <token>` or `?token=<token>`):
 *   GET  /api/info                 ConsoleInfo
 *   GET  /api/snapshot             ConsoleSnapshot (polled about once a second by the app)
 *   GET  /api/qoe?since=<ms>       QoePoint[] since a time (the whole history without `since`)
 *   GET  /api/dashboards           DashboardSummary[] (the seven, in the playbook's order)
 *   GET  /api/dashboards/:id       Dashboard
 *   GET  /api/events               text/event-stream of JournalLine (every journal event but
 *                                  per-session player events), `event: journal`
 *   POST /api/act                  body: ActionInput (see core/actions.ts) → ActResponse
 *                                  errors: 400 { error } naming the field and what was expected
 *   POST /api/timeline/:id/note    body: { role, text } → ScribeEntry (edits a scribe entry's note;
 *                                  journaled as `scribe.note`)
 *   GET  /api/trainer              TrainerView (trainer mode only; 404 otherwise)
 *   POST /api/trainer/control      body: TrainerControl → ConsoleSnapshot['clock']
 *   GET  /report                   report.html once the drill has ended (404 before)
 */
import type { JournalEvent, SessionJournalEvent } from '../core/journal-events.ts';
import type { IncidentState, StatusPost } from '../incident/projection.ts';
import type { MetricId } from '../metrics/catalogue.ts';

export const ROLE_NAMES = {
  ic: 'Incident Commander',
  ops: 'Ops',
  comms: 'Comms',
  sme: 'Subject-matter expert',
  scribe: 'Scribe',
  oncall: 'On-call',
} as const;
export type RoleId = keyof typeof ROLE_NAMES;

/** The seven war-room dashboards, in the playbook's order. */
export const DASHBOARD_IDS = [
  'origin',
  'packager',
  'cdn-edge',
  'manifest',
  'drm',
  'player-errors',
  'isp-cdn',
] as const;
export type DashboardId = (typeof DASHBOARD_IDS)[number];

export const DASHBOARD_NAMES: Record<DashboardId, string> = {
  origin: 'Origin health',
  packager: 'Packager health',
  'cdn-edge': 'CDN edge health per POP',
  manifest: 'Manifest validity',
  drm: 'DRM licence server',
  'player-errors': 'Player error codes',
  'isp-cdn': 'ISP and CDN correlation',
};

/**
 * The QoE metrics the console shows, by catalogue id (metrics/catalogue.ts: title, unit, meaning).
 * Values are in the catalogue's units: ratios 0..1, seconds, bits/s; the app scales them for print.
 */
export const CONSOLE_METRICS = [
  'rebuffering_share',
  'rebuffer_ratio',
  'video_start_failure',
  'exits_before_video_start',
  'startup_time_p50',
  'average_bitrate',
] as const satisfies readonly MetricId[];
export type ConsoleMetric = (typeof CONSOLE_METRICS)[number];

/** QoE figures for one slice (or everyone) over the last minute; null: undefined (nothing in the window). */
export type QoeFigures = { current_viewers: number } & Record<ConsoleMetric, number | null>;

export interface QoePoint {
  /** Drill clock time, ms since the epoch. */
  t: number;
  overall: QoeFigures;
  byRegion: Record<string, QoeFigures>;
  byCdn: Record<string, QoeFigures>;
  /** Viewers and rebuffering per region and CDN: where steering shows (region → CDN → figures). */
  byRegionCdn?: Record<string, Record<string, Pick<QoeFigures, 'current_viewers' | 'rebuffering_share'>>>;
}

export interface LeverOption {
  /** One-click mitigation: the action posted is { kind: 'mitigate', lever, args }. */
  id: string;
  lever: 'steer' | 'rollback' | 'failover' | 'disable-flag';
  args: Record<string, string>;
  /** e.g. "Steer EMEA to cdn-b". */
  label: string;
  /** What the confirmation dialog says will happen. */
  confirm: string;
}

export interface ConsoleInfo {
  scenario: { name: string; title: string; description: string };
  mode: 'real' | 'virtual';
  /** Trainer mode (`streamdrill replay`): pause/resume/speed and the trainer view exist. */
  trainer: boolean;
  /** Scenario time 0 and its length (ms); the drill clock's time zone for display. */
  startMs: number;
  durationMs: number;
  timeZone: string;
  regions: string[];
  cdns: string[];
  roles: Record<RoleId, string>;
  severities: string[];
  /** The four mitigations, expanded for this stack (one per region and CDN, component, flag). */
  levers: LeverOption[];
  dashboards: { id: DashboardId; name: string }[];
  /** Fault-free reference: QoE over the warm-up before any fault, per region and CDN. */
  baseline: QoePoint | null;
  /** Alert rules: name, action (page/investigate/ticket), a one-line description. */
  rules: { name: string; action: string; summary: string }[];
}

export interface AlertView {
  rule: string;
  action: string;
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'resolved';
  since: number;
  value: number | null;
  summary: string;
}

/** A status page post and the incident as the journal tells it (incident/projection.ts). */
export type { IncidentState, StatusPost };

/** One line of the scribe's timeline: auto-captured from the journal, with an editable note. */
export interface ScribeEntry {
  id: number;
  t: number;
  /** Who: a role id, or 'system' (faults, alerts), 'trainer' (narration, injects). */
  role: string;
  /** Journal event type (alert.firing, action.declare, lever.pulled, narration, ...). */
  type: string;
  text: string;
  note?: string;
}

export interface NarrationItem {
  t: number;
  text: string;
  /** An inject: something that happens to the team (a person joins, a message arrives). */
  inject: boolean;
}

export interface ScorecardView {
  /** 0-100: weighted share of applicable items passed. */
  score: number;
  severity: { truth: string; declared: string | null; comparison: string };
  items: {
    id: string;
    name: string;
    target: string;
    measured: string;
    /** null: not applicable in this run. */
    pass: boolean | null;
    why: string;
    weight: number;
  }[];
}

export interface ConsoleSnapshot {
  clock: {
    now: number;
    phase: 'warmup' | 'running' | 'ended';
    paused: boolean;
    /** Drill seconds per wall second (1 for real drills). */
    speed: number;
  };
  latest: QoePoint | null;
  alerts: AlertView[];
  incident: IncidentState;
  status: StatusPost[];
  timeline: ScribeEntry[];
  narration: NarrationItem[];
  /** Present once the drill has ended. */
  scorecard: ScorecardView | null;
  reportUrl: string | null;
}

export interface DashboardTable {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
  /** Rows to highlight (unhealthy). */
  hot: number[];
}

export interface DashboardSummary {
  id: DashboardId;
  name: string;
  status: 'ok' | 'warn' | 'bad';
  /** One line: the figure that matters most right now. */
  headline: string;
}

export interface Dashboard extends DashboardSummary {
  tables: DashboardTable[];
  notes: string[];
}

/** A journal event as the console streams it: every type but the players' session events. */
export type JournalLine = Exclude<JournalEvent, SessionJournalEvent>;

export interface ActResponse {
  ok: true;
  t: number;
  kind: string;
}

export type TrainerControl =
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'speed'; speed: number }
  | { op: 'inject'; text: string };

/** What the trainer sees and the trainees do not: the faults in force and the true impact. */
export interface TrainerView {
  faults: { id: string; fault: string; target: Record<string, unknown>; since: number; until?: number }[];
  expected: { scope?: Record<string, unknown>; severity?: string; mitigations?: string[] } | null;
  impact: { t: number; affectedShare: number; byRegion: Record<string, number> } | null;
  upcoming: { at: number; kind: 'fault' | 'narration' | 'inject'; text: string }[];
}
