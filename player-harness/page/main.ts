/**
 * The one player page, in two modes:
 *
 * - Harness (no query): hosts several viewers (one tiny muted <video> and one player each) and
 *   exposes `window.streamdrill` ({@link PageApi}) for the fleet, which drives it through
 *   Playwright; events go to the collector's beacon.
 * - Standalone (`?player=…&channel=…&variant=…&region=…&isp=…&device=…&sid=…`, as the stack's entry
 *   point serves it under `/player/` for `streamdrill stack up`): plays that one viewer in a large
 *   <video> against the entry point it was served from (or `?entry=<url>`), shows its session events
 *   on the page, and exposes the same `window.streamdrill` (its `state()` is what tests read).
 *
 * Either way every player of the registry plays through its adapter (players/adapters.ts).
 */
import type { SessionEvent } from '../../core/events.ts';
import { ADAPTERS } from '../../players/adapters.ts';
import { isPlayerId, PLAYER_IDS } from '../../players/registry.ts';
import { Beacon } from './beacon.ts';
import {
  ENDED_BINDING,
  type EventSink,
  type PageApi,
  type PageSetup,
  type ViewerConfig,
} from './protocol.ts';
import { Viewer } from './viewer.ts';

const viewers = new Map<string, Viewer>();
let setup: PageSetup | undefined;
let sink: (EventSink & { flush(): Promise<void> }) | undefined;

const notifyEnded = (sid: string, reason: string) => {
  const fn = (window as unknown as Record<string, unknown>)[ENDED_BINDING];
  if (typeof fn === 'function') void (fn as (s: string, r: string) => Promise<void>)(sid, reason);
};

const api: PageApi = {
  setup(s) {
    setup = s;
    sink ??= new Beacon(s.beaconUrl, s.flushMs);
  },
  start(config) {
    if (!setup || !sink) throw new Error('streamdrill page: setup() first');
    if (viewers.get(config.sid)?.state().ended === null)
      throw new Error(`viewer ${config.sid} is already playing`);
    const v = new Viewer(
      config,
      sink,
      setup.pathwayHosts,
      ADAPTERS,
      document.getElementById('viewers')!,
      (sid, reason) => {
        notifyEnded(sid, reason);
      },
    );
    viewers.set(config.sid, v);
    // Keep the state of the last ended viewers for the fleet's readers; forget older ones (churn).
    const ended = [...viewers].filter(([, x]) => x.state().ended !== null);
    for (const [sid] of ended.slice(0, Math.max(0, ended.length - 50))) viewers.delete(sid);
    void v.start();
  },
  stop(sid, reason) {
    viewers.get(sid)?.end('playbackExit', reason);
  },
  async flush() {
    await sink?.flush();
  },
  state() {
    return [...viewers.values()].map((v) => v.state());
  },
};

/** The standalone page's sink: every event as a line on the page (no collector to send it to). */
class PageLog implements EventSink {
  private readonly el = document.getElementById('log')!;
  private readonly t0 = Date.now();

  push(e: SessionEvent): void {
    const s = ((e.t - this.t0) / 1000).toFixed(1).padStart(6);
    const data = e.data ? ` ${JSON.stringify(e.data)}` : '';
    this.el.textContent += `${s} s  ${e.type}  ${e.labels.cdn}/${e.labels.pop}${data}\n`;
  }

  async flush(): Promise<void> {}
}

function standalone(q: URLSearchParams): void {
  document.body.classList.add('standalone');
  const player = q.get('player') ?? 'hlsjs';
  const log = new PageLog();
  sink = log;
  setup = { beaconUrl: '', flushMs: 1000, pathwayHosts: {} };
  if (!isPlayerId(player)) {
    document.getElementById('log')!.textContent =
      `unknown player ${JSON.stringify(player)} (players: ${PLAYER_IDS.join(', ')})\n`;
    return;
  }
  const config: ViewerConfig = {
    sid: q.get('sid') ?? `${player}-${Math.random().toString(36).slice(2, 8)}`,
    entryUrl: q.get('entry') ?? location.origin,
    player,
    region: q.get('region') ?? '',
    isp: q.get('isp') ?? '',
    device: q.get('device') ?? 'desktop',
    channel: q.get('channel') ?? '',
    variant: q.get('variant') === 'enc' ? 'enc' : 'clear',
    weight: 1,
    // A person watching waits longer than a modelled viewer before giving up.
    patienceMs: 60_000,
    heartbeatMs: 5000,
  };
  api.start(config);
}

(window as unknown as { streamdrill: PageApi }).streamdrill = api;
const query = new URLSearchParams(location.search);
if (query.has('channel')) standalone(query);
document.title = 'streamdrill players (ready)';
