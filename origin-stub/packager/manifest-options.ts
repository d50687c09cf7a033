/** Options shared by the pure HLS and DASH generators, including the hooks fault layers use. */
import type { LiveTiming } from './timeline.ts';

export interface ManifestEncryption {
  /** 16-byte default KID of the channel. */
  kid: Uint8Array;
}

export interface ManifestOptions extends LiveTiming {
  /**
   * Absolute or root-relative URL of the variant directory (`.../live/<channel>/<variant>/`, with the
   * trailing slash). When set, every URI in the output is `${baseUrl}<rendition>/...` (e.g. one
   * playback entry point per CDN pathway); when unset, URIs are relative.
   */
  baseUrl?: string;
  /** Fault: manifests are generated as of min(now, frozenAtMs) ("manifest stops advancing"). */
  frozenAtMs?: number;
  /**
   * Fault: segment numbers the packager "lost". HLS lists them with EXT-X-GAP; DASH keeps them in the
   * SegmentTimeline (so $Number$ stays right) and the origin answers 404 for them.
   */
  isGap?: (n: number) => boolean;
  /** Present for the encrypted variant. */
  encryption?: ManifestEncryption;
}

/** The time the manifest describes: the clock, unless a freeze fault holds it back. */
export function manifestTime(nowMs: number, opts: Pick<ManifestOptions, 'frozenAtMs'>): number {
  return opts.frozenAtMs === undefined ? nowMs : Math.min(nowMs, opts.frozenAtMs);
}
