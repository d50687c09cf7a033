/**
 * hls.js adapter: HLS with content steering (on by default in hls.js 1.7), CMCD in query mode (no
 * CORS preflight), ClearKey through EME for encrypted channels. hls.js's own retry policies are
 * bounded; the one recovery we add is `recoverMediaError()`, at most twice per session and never
 * twice within 10 s; any other fatal error ends the session.
 */
import Hls, { type ErrorData, ErrorTypes, Events, type HlsConfig } from 'hls.js';
import type { AdapterFactory, PlayerAdapter } from '../adapter.ts';

export const createHlsjs: AdapterFactory = (video, session, hooks): PlayerAdapter => {
  const t0 = performance.now();
  const licenceStarts = new Map<string, number>();
  const config: Partial<HlsConfig> = {
    cmcd: { sessionId: session.sid, contentId: session.channel, useHeaders: false },
    // Live: start a few segments behind the edge, as hls.js does by default.
    liveSyncDurationCount: 3,
    // Keep memory small with many viewers per page.
    backBufferLength: 10,
    maxBufferLength: 20,
  };
  if (session.licence) {
    Object.assign(config, {
      emeEnabled: true,
      drmSystems: { 'org.w3.clearkey': { licenseUrl: session.licence } },
      licenseXhrSetup(_xhr: XMLHttpRequest, url: string) {
        licenceStarts.set(url, performance.now());
      },
      licenseResponseCallback(xhr: XMLHttpRequest, url: string) {
        const start = licenceStarts.get(url);
        if (start !== undefined && xhr.status >= 200 && xhr.status < 300)
          hooks.licenceLoaded(performance.now() - start);
        return xhr.response as ArrayBuffer;
      },
    });
  }
  const hls = new Hls(config);
  let recoveries = 0;
  let lastRecovery = Number.NEGATIVE_INFINITY;
  let manifestSeen = false;

  hls.on(Events.MANIFEST_LOADED, () => {
    if (manifestSeen) return;
    manifestSeen = true;
    hooks.manifestLoaded(performance.now() - t0);
  });
  hls.on(Events.FRAG_LOADING, (_e, d) => hooks.segmentRequest(d.frag.url));
  hls.on(Events.LEVEL_SWITCHED, (_e, d) => {
    const level = hls.levels[d.level];
    if (!level) return;
    hooks.rendition({
      bitrate: level.bitrate,
      ...(level.width ? { width: level.width } : {}),
      ...(level.height ? { height: level.height } : {}),
    });
  });
  hls.on(Events.STALL_RESOLVED, () => hooks.buffering(false));
  hls.on(Events.ERROR, (_e, d: ErrorData) => {
    if (d.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) hooks.buffering(true);
    const status = d.response?.code ?? (d.networkDetails as XMLHttpRequest | undefined)?.status;
    let fatal = d.fatal;
    if (
      fatal &&
      d.type === ErrorTypes.MEDIA_ERROR &&
      recoveries < 2 &&
      performance.now() - lastRecovery > 10_000
    ) {
      recoveries++;
      lastRecovery = performance.now();
      hls.recoverMediaError();
      fatal = false;
    }
    hooks.error({
      player: 'hlsjs',
      category: d.type,
      code: d.details,
      fatal,
      ...(typeof status === 'number' && status > 0 ? { httpStatus: status } : {}),
    });
  });

  return {
    name: 'hlsjs',
    version: Hls.version,
    async load() {
      hls.attachMedia(video);
      hls.loadSource(session.hls);
    },
    async destroy() {
      hls.destroy();
    },
  };
};
