/**
 * Shaka Player adapter: DASH with content steering, CMCD in query mode, ClearKey for encrypted
 * channels. Fatal-ness follows Shaka's own rule: a CRITICAL error is fatal, except the network
 * errors (1001 bad status, 1002 HTTP error, 1003 timeout) that Shaka's default streaming failure
 * callback retries forever on a live stream; there a dead CDN shows as buffering, never as a fatal
 * error, so stalls come from player state (`buffering` and the media element), not from errors.
 * Retries are bounded by retryParameters (3 attempts, 1 s base delay with backoff, 10 s timeout).
 */
import shakaModule from 'shaka-player/dist/shaka-player.dash.js';
import type { AdapterFactory, PlayerAdapter } from '../adapter.ts';

// The compiled build is CommonJS: bundlers hand the namespace itself to a default import, while
// TypeScript (NodeNext) types it as `{ default: shaka }`. Take whichever is there.
const shaka = ((shakaModule as unknown as { default?: unknown }).default ??
  shakaModule) as typeof shakaModule.default;
type ShakaError = InstanceType<typeof shaka.util.Error>;

const LIVE_RETRIED = new Set([1001, 1002, 1003]);
const RETRY = {
  maxAttempts: 3,
  baseDelay: 1000,
  backoffFactor: 2,
  fuzzFactor: 0.5,
  timeout: 10_000,
  stallTimeout: 5000,
  connectionTimeout: 5000,
};

let polyfilled = false;

export const createShaka: AdapterFactory = (video, session, hooks): PlayerAdapter => {
  if (!polyfilled) {
    shaka.polyfill.installAll();
    polyfilled = true;
  }
  const t0 = performance.now();
  const player = new shaka.Player();
  const Type = shaka.net.NetworkingEngine.RequestType;
  let licenceStart = 0;
  let manifestSeen = false;
  let destroyed = false;

  const report = (e: ShakaError) => {
    const live = player.isLive();
    const fatal = e.severity === shaka.util.Error.Severity.CRITICAL && !(live && LIVE_RETRIED.has(e.code));
    const data = e.data as unknown[];
    const status = e.code === 1001 && typeof data[1] === 'number' ? (data[1] as number) : undefined;
    hooks.error({
      player: 'shaka',
      category: String(e.category),
      code: String(e.code),
      fatal,
      ...(status !== undefined ? { httpStatus: status } : {}),
    });
  };
  const rendition = () => {
    const t = player.getVariantTracks().find((x) => x.active);
    if (!t) return;
    hooks.rendition({
      bitrate: t.bandwidth,
      ...(t.width ? { width: t.width } : {}),
      ...(t.height ? { height: t.height } : {}),
    });
  };

  player.addEventListener('error', (ev) => report((ev as unknown as { detail: ShakaError }).detail));
  player.addEventListener('buffering', (ev) =>
    hooks.buffering(Boolean((ev as unknown as { buffering: boolean }).buffering)),
  );
  player.addEventListener('adaptation', rendition);
  player.addEventListener('variantchanged', rendition);
  const net = player.getNetworkingEngine()!;
  net.registerRequestFilter((type, request) => {
    if (type === Type.SEGMENT && request.uris[0]) hooks.segmentRequest(request.uris[0]);
    if (type === Type.LICENSE) licenceStart = performance.now();
  });
  net.registerResponseFilter((type) => {
    if (type === Type.LICENSE) hooks.licenceLoaded(performance.now() - licenceStart);
    if (type === Type.MANIFEST && !manifestSeen) {
      manifestSeen = true;
      hooks.manifestLoaded(performance.now() - t0);
    }
  });
  player.configure({
    cmcd: { enabled: true, sessionId: session.sid, contentId: session.channel, useHeaders: false },
    streaming: { retryParameters: RETRY, bufferingGoal: 10, bufferBehind: 10 },
    manifest: { retryParameters: RETRY },
    ...(session.licence
      ? { drm: { servers: { 'org.w3.clearkey': session.licence }, retryParameters: RETRY } }
      : {}),
  });

  return {
    name: 'shaka',
    version: shaka.Player.version,
    async load() {
      await player.attach(video);
      try {
        await player.load(session.dash);
      } catch (err) {
        // 7000 LOAD_INTERRUPTED: we destroyed the player ourselves (patience, churn).
        const e = err as ShakaError;
        if (destroyed || e.code === 7000) return;
        // A failed load leaves nothing playing: fatal whatever the error's severity.
        hooks.error({
          player: 'shaka',
          category: String(e.category ?? 'load'),
          code: String(e.code ?? (err as Error).message),
          fatal: true,
        });
      }
    },
    async destroy() {
      destroyed = true;
      await player.destroy();
    },
  };
};
