/**
 * The shape of `media.json`, written by make-media.sh (via normalize-media.ts) next to each channel's
 * media, and of the loaded media held in memory by the origin.
 */
import { z } from 'zod';

const segmentSchema = z.object({
  /** Path relative to the channel directory. */
  file: z.string().min(1),
  /** Base media decode time of the segment within the loop, timescale units. */
  start: z.number().int().nonnegative(),
  /** Real duration (sum of sample durations), timescale units. */
  duration: z.number().int().positive(),
  bytes: z.number().int().positive(),
});

const renditionSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/i, 'rendition ids are URL path segments'),
  kind: z.enum(['video', 'audio']),
  /** RFC 6381 codec string read from the init segment. */
  codecs: z.string().min(1),
  /** Peak segment bit rate, bits per second (HLS BANDWIDTH, DASH @bandwidth). */
  bandwidth: z.number().int().positive(),
  /** Mean bit rate over the loop, bits per second (HLS AVERAGE-BANDWIDTH). */
  averageBandwidth: z.number().int().positive(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  frameRate: z.number().positive().optional(),
  sampleRate: z.number().int().positive().optional(),
  channels: z.number().int().positive().optional(),
  trackId: z.number().int().positive(),
  timescale: z.number().int().positive(),
  /** Loop length in timescale units; equal to loopSeconds x timescale for every rendition. */
  loopDuration: z.number().int().positive(),
  init: z.string().min(1),
  segments: z.array(segmentSchema).min(1),
});

export const mediaDescriptionSchema = z.object({
  version: z.literal(1),
  channel: z.string().regex(/^[a-z0-9_-]+$/i, 'channel names are URL path segments'),
  loopSeconds: z.number().int().positive(),
  /** Nominal segment length, seconds (real audio segments differ slightly). */
  segmentSeconds: z.number().positive(),
  renditions: z.array(renditionSchema).min(2),
});

export type SegmentDescription = z.infer<typeof segmentSchema>;
export type RenditionDescription = z.infer<typeof renditionSchema>;
export type MediaDescription = z.infer<typeof mediaDescriptionSchema>;

/** One rendition with its bytes in memory. `segments[i]` is the loop file described by `description.segments[i]`. */
export interface RenditionMedia {
  description: RenditionDescription;
  init: Uint8Array;
  segments: Uint8Array[];
}

/** A channel's media in memory: the clear loop, or its CENC-encrypted twin. */
export interface ChannelMedia {
  description: MediaDescription;
  renditions: RenditionMedia[];
}

export class MediaError extends Error {
  override name = 'MediaError';
}
