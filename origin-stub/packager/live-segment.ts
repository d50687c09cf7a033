/** Builds the bytes of live segment n from the loop: loop file n mod N with its tfdt moved forward. */
import type { RenditionMedia } from '../media/description.ts';
import { shiftTfdt } from '../mp4/fragment.ts';
import { segmentTiming } from './timeline.ts';

/**
 * Live segment `n` of a rendition. `extraTicks` (timescale units) shifts the timestamps further, e.g.
 * to simulate A/V drift on audio; the result is clamped so the tfdt never goes below zero.
 */
export function liveSegmentBytes(r: RenditionMedia, n: number, extraTicks = 0): Uint8Array {
  const t = segmentTiming(r.description, n);
  const file = r.segments[t.loopIndex]!;
  const fileStart = r.description.segments[t.loopIndex]!.start;
  const target = Math.max(0, t.start + Math.round(extraTicks));
  return shiftTfdt(file, target - fileStart);
}
