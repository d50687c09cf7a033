/**
 * The player page: hosts several viewers (one tiny muted <video> and one player each) and exposes
 * `window.streamdrill` ({@link PageApi}) for the fleet, which drives it through Playwright.
 */
import type { AdapterFactory } from './adapters/adapter.ts';
import { createHlsjs } from './adapters/hlsjs.ts';
import { createShaka } from './adapters/shaka.ts';
import { Beacon } from './beacon.ts';
import { ENDED_BINDING, type PageApi, type PageSetup } from './protocol.ts';
import { Viewer } from './viewer.ts';

const factories: Record<string, AdapterFactory> = { hlsjs: createHlsjs, shaka: createShaka };
const viewers = new Map<string, Viewer>();
let setup: PageSetup | undefined;
let beacon: Beacon | undefined;

const notifyEnded = (sid: string, reason: string) => {
  const fn = (window as unknown as Record<string, unknown>)[ENDED_BINDING];
  if (typeof fn === 'function') void (fn as (s: string, r: string) => Promise<void>)(sid, reason);
};

const api: PageApi = {
  setup(s) {
    setup = s;
    beacon ??= new Beacon(s.beaconUrl, s.flushMs);
  },
  start(config) {
    if (!setup || !beacon) throw new Error('streamdrill page: setup() first');
    if (viewers.get(config.sid)?.state().ended === null)
      throw new Error(`viewer ${config.sid} is already playing`);
    const v = new Viewer(
      config,
      beacon,
      setup.pathwayHosts,
      factories,
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
    await beacon?.flush();
  },
  state() {
    return [...viewers.values()].map((v) => v.state());
  },
};

(window as unknown as { streamdrill: PageApi }).streamdrill = api;
document.title = 'streamdrill players (ready)';
