/**
 * What travels between Node (fleet, collector) and the player page: the page's setup, one viewer's
 * configuration, the beacon body and the page state tests read. Types only, shared by both sides.
 */
import type { SessionEvent } from '../../core/events.ts';
import type { PlayerId } from '../../players/registry.ts';

/** Where a viewer's session events go: the beacon to the collector, or the standalone page's log. */
export interface EventSink {
  push(e: SessionEvent): void;
}

export interface PathwayHost {
  cdn: string;
  pop: string;
}

export interface PageSetup {
  /** Where events go (POST, JSON {sentAt, events}). */
  beaconUrl: string;
  /** Batch interval, ms. */
  flushMs: number;
  /** host:port of every viewer→edge link → its CDN and POP, to label the pathway in use. */
  pathwayHosts: Record<string, PathwayHost>;
}

export interface ViewerConfig {
  sid: string;
  /** Base URL of the stack's entry point as viewers reach it. */
  entryUrl: string;
  /** A player of the registry (players/registry.ts). */
  player: PlayerId;
  region: string;
  isp: string;
  device: string;
  channel: string;
  variant: 'clear' | 'enc';
  weight: number;
  /** A viewer whose video has not started after this long leaves (exit before video start). */
  patienceMs: number;
  heartbeatMs: number;
}

/** One batch of session events; `t` and `sentAt` are page clock times (the collector re-stamps them). */
export interface BeaconBody {
  sentAt: number;
  events: SessionEvent[];
}

export interface ViewerState {
  sid: string;
  player: PlayerId;
  started: boolean;
  ended: string | null;
  stalled: boolean;
  currentTime: number;
  cdn: string;
  pop: string;
  bitrate: number | null;
  lastSegmentUrl: string | null;
  errors: string[];
}

/** What the page exposes as `window.streamdrill`. */
export interface PageApi {
  setup(setup: PageSetup): void;
  start(config: ViewerConfig): void;
  stop(sid: string, reason: string): void;
  flush(): Promise<void>;
  state(): ViewerState[];
}

/** Name of the function Node exposes to the page to hear that a viewer ended (sid, reason). */
export const ENDED_BINDING = '__streamdrillEnded';
