/**
 * One adapter per player library. An adapter loads the stream into a <video> and reports what only
 * the player knows (errors and whether they are fatal, renditions, segment requests, manifest and
 * licence timings, the player's own buffering signal) through {@link AdapterHooks}. The viewer
 * (`viewer.ts`) turns those plus the media element's state into CTA-2066 session events, the same
 * way for every player.
 */
import type { PlayerErrorInfo } from '../core/events.ts';

export interface SessionInfo {
  sid: string;
  channel: string;
  hls: string;
  dash: string;
  licence: string | null;
  drm: string | null;
}

export interface Rendition {
  bitrate: number;
  width?: number;
  height?: number;
}

export interface AdapterHooks {
  /** A media (or init) segment is being requested from this URL. */
  segmentRequest(url: string): void;
  /** The player reported an error; `fatal` is the player's own verdict after its retries. */
  error(info: PlayerErrorInfo): void;
  rendition(r: Rendition): void;
  /** ms from the start of loading to the manifest (multivariant playlist / MPD) loaded. */
  manifestLoaded(ms: number): void;
  /** Duration of the licence request that succeeded, ms. */
  licenceLoaded(ms: number): void;
  /** The player's own buffering signal (hls.js stall detector, Shaka `buffering`). */
  buffering(on: boolean): void;
}

export interface PlayerAdapter {
  readonly name: string;
  readonly version: string;
  load(): Promise<void>;
  destroy(): Promise<void>;
}

export type AdapterFactory = (
  video: HTMLVideoElement,
  session: SessionInfo,
  hooks: AdapterHooks,
) => PlayerAdapter;
