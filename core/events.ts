/**
 * The common session-event stream (CTA-2066 event names) that every player adapter emits and
 * every metric is computed from. Real players (hls.js, Shaka in Chromium) and model players (the
 * virtual-time simulator) emit exactly these events, so everything downstream is shared.
 *
 * Each shape is a zod schema with its TypeScript type derived from it: the journal's
 * `session.<type>` events (`journal-events.ts`) and the collector's beacon validation read the same
 * definitions.
 */
import { z } from 'zod';

/** Labels of a viewer session; any of them can slice the metrics. */
export const SessionLabelsSchema = z.object({
  region: z.string(),
  isp: z.string(),
  device: z.string(),
  player: z.string(),
  /** Player library version, e.g. hls.js 1.7.4. */
  playerVersion: z.string(),
  channel: z.string(),
  variant: z.enum(['clear', 'enc']),
  /** DRM label of the device class for encrypted sessions (`playready`...), else `none`. */
  drm: z.string(),
  /** CDN pathway in use when the event happened, and the POP serving it. */
  cdn: z.string(),
  pop: z.string(),
});
export type SessionLabels = z.output<typeof SessionLabelsSchema>;

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

export const PlayerErrorInfoSchema = z.object({
  player: z.string(),
  /** hls.js error type / Shaka category. */
  category: z.string(),
  /** hls.js details / Shaka numeric code, as text. */
  code: z.string(),
  fatal: z.boolean(),
  httpStatus: z.number().optional(),
});
export type PlayerErrorInfo = z.output<typeof PlayerErrorInfoSchema>;

/**
 * renditionUpdate: bitrate in bits/s, resolution; playbackStart: startupMs, licenceMs, manifestMs;
 * playbackFail / playerError: error; playbackExit: reason ('patience' | 'churn' | 'end');
 * heartbeat: playing media seconds since the last one, bitsPlayed; pathwayChange: from, to.
 */
export const SessionEventDataSchema = z.object({
  bitrate: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  startupMs: z.number().optional(),
  licenceMs: z.number().optional(),
  manifestMs: z.number().optional(),
  error: PlayerErrorInfoSchema.optional(),
  reason: z.string().optional(),
  mediaSeconds: z.number().optional(),
  bitsPlayed: z.number().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

/** One session event as it travels from the page to the collector and into the journal. */
export const SessionEventSchema = z.object({
  /** Session id (also the CMCD sid). */
  sid: z.string(),
  type: z.enum(SESSION_EVENT_TYPES),
  /** Clock time of the event, ms since the epoch. */
  t: z.number(),
  labels: SessionLabelsSchema,
  /** How many viewers this session stands for (e.g. 12 real viewers for 800,000 → 66,667 each). */
  weight: z.number().nonnegative(),
  data: SessionEventDataSchema.optional(),
});
export type SessionEvent = z.output<typeof SessionEventSchema>;
