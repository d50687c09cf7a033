/**
 * Live timeline arithmetic over a looped rendition (pure functions, integer timescale maths).
 *
 * Live segment n (n >= 0) is loop file i = n mod N of loop k = floor(n / N). It starts at
 * k x loopDuration + start_i timescale units after the availability start time (AST) and becomes
 * available once the clock has passed its end. The playlist window is the last `windowSegments`
 * available segments; a segment stays fetchable for one more window after it leaves the playlist
 * (HLS requires that), then it expires.
 */
import type { RenditionDescription } from '../media/description.ts';

export interface LiveTiming {
  /** Availability start time: media time 0, ms since the epoch. */
  availabilityStartTimeMs: number;
  /** Segments listed in a playlist / MPD window. */
  windowSegments: number;
}

export interface LiveSegmentTiming {
  number: number;
  /** Index of the loop file. */
  loopIndex: number;
  /** Loop iteration. */
  loop: number;
  /** Media time of the first sample (what tfdt says), timescale units since AST. */
  start: number;
  duration: number;
}

export type SegmentState = 'available' | 'future' | 'expired';

export function segmentTiming(r: RenditionDescription, n: number): LiveSegmentTiming {
  const count = r.segments.length;
  const loop = Math.floor(n / count);
  const loopIndex = n - loop * count;
  const seg = r.segments[loopIndex]!;
  return { number: n, loopIndex, loop, start: loop * r.loopDuration + seg.start, duration: seg.duration };
}

/** Wall-clock time (ms) of a media time (timescale units). */
export function mediaTimeToMs(r: RenditionDescription, timing: LiveTiming, ticks: number): number {
  return timing.availabilityStartTimeMs + (ticks * 1000) / r.timescale;
}

/** Elapsed media time at `nowMs`, as a scaled integer: ticks x 1000 (exact, no rounding). */
function elapsedTicksTimes1000(r: RenditionDescription, timing: LiveTiming, nowMs: number): number {
  return Math.floor(nowMs - timing.availabilityStartTimeMs) * r.timescale;
}

/** Number of the newest segment whose end has passed, or -1 when none has yet. */
export function latestAvailableNumber(r: RenditionDescription, timing: LiveTiming, nowMs: number): number {
  const elapsed1000 = elapsedTicksTimes1000(r, timing, nowMs);
  if (elapsed1000 <= 0) return -1;
  const loopSpan1000 = r.loopDuration * 1000;
  const loop = Math.floor(elapsed1000 / loopSpan1000);
  const rem1000 = elapsed1000 - loop * loopSpan1000;
  let last = -1;
  r.segments.forEach((s, i) => {
    if ((s.start + s.duration) * 1000 <= rem1000) last = i;
  });
  return loop * r.segments.length + last;
}

/** Inclusive range of segment numbers in the window at `nowMs`; empty (first > last) before any. */
export function windowRange(
  r: RenditionDescription,
  timing: LiveTiming,
  nowMs: number,
): { first: number; last: number } {
  const last = latestAvailableNumber(r, timing, nowMs);
  if (last < 0) return { first: 0, last: -1 };
  return { first: Math.max(0, last - timing.windowSegments + 1), last };
}

export function segmentState(
  r: RenditionDescription,
  timing: LiveTiming,
  nowMs: number,
  n: number,
): SegmentState {
  const { first, last } = windowRange(r, timing, nowMs);
  if (!Number.isSafeInteger(n) || n > last) return 'future';
  if (n < 0 || n < first - timing.windowSegments) return 'expired';
  return 'available';
}
