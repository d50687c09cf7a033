import type { JournalEvent } from './journal.ts';

/**
 * The common session-event stream (CTA-2066 event names) that every player adapter emits and
 * every metric is computed from. Real players (hls.js, Shaka in Chromium) and model players (the
 * virtual-time simulator) emit exactly these events, so everything downstream is shared.
 */

/** Labels of a viewer session; any of them can slice the metrics. */
export interface SessionLabels {
  region: string;
  isp: string;
  device: string;
  player: string;
  /** Player library version, e.g. hls.js 1.7.4. */
  playerVersion: string;
  channel: string;
  variant: 'clear' | 'enc';
  /** DRM label of the device class for encrypted sessions (`playready`...), else `none`. */
  drm: string;
  /** CDN pathway in use when the event happened, and the POP serving it. */
  cdn: string;
  pop: string;
}

export const SESSION_EVENT_TYPES = [
  'playbackRequest',
  'playbackStart',
  'playbackStall',
  'playbackStallEnd',
  'playbackFail',
  'renditionUpdate',
  'playbackPause',
  'playbackResume',
  'playbackExit',
  'playbackFinish',
  'playerError',
  'pathwayChange',
  'heartbeat',
] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

export interface PlayerErrorInfo {
  player: string;
  /** hls.js error type / Shaka category. */
  category: string;
  /** hls.js details / Shaka numeric code, as text. */
  code: string;
  fatal: boolean;
  httpStatus?: number;
}

/** One session event as it travels from the page to the collector and into the journal. */
export interface SessionEvent {
  /** Session id (also the CMCD sid). */
  sid: string;
  type: SessionEventType;
  /** Clock time of the event, ms since the epoch. */
  t: number;
  labels: SessionLabels;
  /** How many viewers this session stands for (e.g. 12 real viewers for 800,000 → 66,667 each). */
  weight: number;
  /** renditionUpdate: bitrate in bits/s, resolution; playbackStart: startupMs, licenceMs, manifestMs;
   *  playbackFail / playerError: error; playbackExit: reason ('patience' | 'churn' | 'end');
   *  heartbeat: playing media seconds since the last one, bitsPlayed. */
  data?: {
    bitrate?: number;
    width?: number;
    height?: number;
    startupMs?: number;
    licenceMs?: number;
    manifestMs?: number;
    error?: PlayerErrorInfo;
    reason?: string;
    mediaSeconds?: number;
    bitsPlayed?: number;
    from?: string;
    to?: string;
  };
}

/** A session event as a journal line: `session.<type>` with its session, labels, weight and data. */
export function sessionJournalEvent(e: SessionEvent): JournalEvent {
  return {
    v: 1,
    t: e.t,
    type: `session.${e.type}`,
    sid: e.sid,
    labels: e.labels,
    weight: e.weight,
    ...(e.data ? { data: e.data } : {}),
  };
}

/** The inverse of {@link sessionJournalEvent}: a journaled `session.*` line back as a session event. */
export function sessionEventFromJournal(e: JournalEvent): SessionEvent {
  return {
    sid: String(e.sid),
    type: e.type.slice('session.'.length),
    t: e.t,
    labels: e.labels,
    weight: e.weight,
    ...(e.data ? { data: e.data } : {}),
  } as SessionEvent;
}
