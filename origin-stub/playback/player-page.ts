/**
 * A plain player page served by the entry point (`GET /player?...viewer params&player=hlsjs|shaka`)
 * so `streamdrill stack up` can print a URL that plays in any browser: hls.js plays HLS, Shaka
 * plays DASH, with ClearKey for encrypted channels, CMCD (query mode, no CORS preflight) and
 * content steering on. It exposes `window.__streamdrill` for tests: errors, the fatal one, the
 * URL of the last media segment loaded. (The instrumented player harness is `player-harness/`.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>streamdrill player</title>
<style>body{font:14px system-ui;margin:1em;background:#111;color:#eee}video{width:640px;max-width:100%;background:#000}</style></head>
<body><video id="v" muted playsinline controls></video><pre id="log"></pre>
<script src="/vendor/hls.min.js"></script>
<script src="/vendor/shaka-player.compiled.js"></script>
<script>
const q = new URLSearchParams(location.search);
const video = document.getElementById('v');
const S = window.__streamdrill = { errors: [], fatal: null, lastSegmentUrl: null, session: null };
const log = (m) => { document.getElementById('log').textContent += m + '\\n'; };
const fail = (m) => { S.fatal = S.fatal || m; log('FATAL ' + m); };
async function main() {
  const player = q.get('player') || 'hlsjs';
  q.delete('player');
  q.set('player', player);
  const res = await fetch('/play/session?' + q.toString());
  const session = S.session = await res.json();
  if (!res.ok) throw new Error(session.error || res.status);
  const sid = session.viewer.sid, channel = session.viewer.channel;
  log(player + ' ' + channel + ' ' + session.viewer.variant + ' via ' + JSON.stringify(session.pops));
  if (player === 'hlsjs') {
    const cfg = { cmcd: { sessionId: sid, contentId: channel, useHeaders: false } };
    if (session.licence) Object.assign(cfg, { emeEnabled: true, drmSystems: { 'org.w3.clearkey': { licenseUrl: session.licence } } });
    const hls = window.__hls = new Hls(cfg);
    hls.on(Hls.Events.ERROR, (_e, d) => { S.errors.push(d.details + (d.fatal ? ' (fatal)' : '')); if (d.fatal) fail('hls.js ' + d.details); });
    hls.on(Hls.Events.FRAG_LOADED, (_e, d) => { S.lastSegmentUrl = d.frag.url; });
    hls.loadSource(session.hls);
    hls.attachMedia(video);
  } else {
    shaka.polyfill.installAll();
    const p = window.__shaka = new shaka.Player();
    await p.attach(video);
    const cfg = { cmcd: { enabled: true, sessionId: sid, contentId: channel, useHeaders: false } };
    if (session.licence) cfg.drm = { servers: { 'org.w3.clearkey': session.licence } };
    p.configure(cfg);
    p.addEventListener('error', (e) => { S.errors.push('shaka ' + e.detail.code); if (e.detail.severity === 2) fail('shaka ' + e.detail.code); });
    p.getNetworkingEngine().registerResponseFilter((type, r) => { if (type === shaka.net.NetworkingEngine.RequestType.SEGMENT) S.lastSegmentUrl = r.uri; });
    await p.load(session.dash);
  }
  await video.play();
}
main().catch((e) => fail('start: ' + (e && (e.code || e.message || e))));
</script></body></html>`;

export async function playerPagePlugin(app: FastifyInstance): Promise<void> {
  const hlsJs = readFileSync(require.resolve('hls.js/dist/hls.min.js'));
  const shakaJs = readFileSync(require.resolve('shaka-player/dist/shaka-player.compiled.js'));
  app.get('/player', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/vendor/hls.min.js', async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/javascript').send(hlsJs),
  );
  app.get('/vendor/shaka-player.compiled.js', async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/javascript').send(shakaJs),
  );
}
