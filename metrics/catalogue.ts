import { z } from 'zod';
import { LABEL_KEYS } from './engine.ts';

/**
 * The QoE metrics scenarios, alert rules and checks can name. Ratios are 0..1; times are seconds;
 * bitrate is bits per second. Definitions: docs/metrics.md.
 */
export const METRIC_IDS = [
  'rebuffering_share',
  'rebuffer_ratio',
  'video_start_failure',
  'exits_before_video_start',
  'playback_failure',
  'startup_time_p50',
  'startup_time_p95',
  'average_bitrate',
  'stalls_per_session',
  'current_viewers',
  'start_attempts',
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** Labels metrics can be filtered and grouped by: the session labels of the QoE engine. */
export const METRIC_LABELS = LABEL_KEYS;
export type MetricLabel = (typeof METRIC_LABELS)[number];

/** A label filter: each given label must equal the value (or one of the values). */
export const WhereSchema = z.partialRecord(
  z.enum(METRIC_LABELS),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
);
export type Where = z.infer<typeof WhereSchema>;
