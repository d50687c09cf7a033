/**
 * The console server on a real loopback socket, over a paused trainer replay of the worked example:
 * the built app at `/`, the journal as a server-sent event stream, the token beyond loopback, and
 * nothing left listening.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp } from '../test/support/net.ts';
import { type ReplaySession, startReplaySession } from '../test/support/replay-session.ts';
import { ensureConsoleBuilt } from './build.ts';
import { type ConsoleServer, startConsoleServer } from './server.ts';

let server: ConsoleServer;
let replay: ReplaySession;
let session: ReplaySession['session'];

beforeAll(async () => {
  replay = await startReplaySession();
  session = replay.session;
  server = await startConsoleServer({ session, appDir: await ensureConsoleBuilt() });
}, 60_000);

afterAll(async () => {
  await server.close();
  await replay.stop();
});

describe('the console server', () => {
  it('binds loopback, needs no token there, and serves the app', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token).toBeUndefined();
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/<div id="root">|<script/);
  });

  it('streams journal events as they are written', async () => {
    const ac = new AbortController();
    const res = await fetch(`${server.url}/api/events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const seen = (async () => {
      let text = '';
      while (!text.includes('action.note')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    })();
    await new Promise((r) => setTimeout(r, 100));
    await session.act({ kind: 'note', role: 'scribe', text: 'streamed' });
    const text = await seen;
    ac.abort();
    expect(text).toMatch(/event: journal\ndata: \{.*"type":"action\.note".*"text":"streamed"/);
  });

  it('closes with an event stream open (nothing left listening)', async () => {
    const other = await startConsoleServer({ session, host: '127.0.0.1' });
    const res = await fetch(`${other.url}/api/events`);
    expect(res.status).toBe(200);
    await other.close();
    await expect(fetch(`${other.url}/api/info`)).rejects.toThrow();
  });

  it('generates a token when bound beyond loopback and prints it in the URL to open', async () => {
    const exposed = await startConsoleServer({ session, host: '0.0.0.0' });
    try {
      expect(exposed.token).toMatch(/^[\w-]{20,}$/);
      expect(exposed.openUrl).toBe(`${exposed.url}/?token=${exposed.token}`);
      expect((await fetch(`${exposed.url}/api/info`)).status).toBe(401);
      expect((await fetch(`${exposed.url}/report`)).status).toBe(401);
      const ok = await fetch(`${exposed.url}/api/info`, {
        headers: { authorization: `Bearer ${exposed.token}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await exposed.close();
    }
  });

  it('checks the token on the route the router matched: no encoded or absolute-form way around it', async () => {
    const exposed = await startConsoleServer({
      session,
      host: '0.0.0.0',
      appDir: await ensureConsoleBuilt(),
    });
    try {
      const bypasses: [string, string?][] = [
        ['GET /%61pi/info HTTP/1.1'],
        ['GET /%61pi/trainer HTTP/1.1'],
        ['GET /%61pi/snapshot HTTP/1.1'],
        ['POST /%61pi/act HTTP/1.1', JSON.stringify({ kind: 'acknowledge', role: 'ic' })],
        ['POST /%61pi/trainer/control HTTP/1.1', JSON.stringify({ op: 'resume' })],
        ['GET /%61pi/events HTTP/1.1'],
        ['GET /api/info HTTP/1.1'],
        [`GET http://${new URL(exposed.url).host}/api/info HTTP/1.1`],
        ['GET http://elsewhere.example/api/trainer HTTP/1.1'],
        ['GET /%72eport HTTP/1.1'],
        ['GET /api/no-such-route HTTP/1.1'],
      ];
      for (const [line, body] of bypasses) {
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        const res = await rawHttp(exposed.url, line, headers, body);
        expect([401, 404], `${line} → ${res.status}`).toContain(res.status);
        if (res.status === 404) expect(res.body).not.toMatch(/"scenario"|"phase"|expected/);
      }
      // Nothing was acted on by any of them.
      expect(session.snapshot().incident.acknowledged).toBeNull();
      // The app shell itself loads without the token (it reads the token from its URL).
      expect((await rawHttp(exposed.url, 'GET / HTTP/1.1')).status).toBe(200);
      const ok = await rawHttp(exposed.url, 'GET /%61pi/info HTTP/1.1', {
        authorization: `Bearer ${exposed.token}`,
      });
      expect(ok.status).toBe(200);
    } finally {
      await exposed.close();
    }
  });

  it('on loopback answers only requests addressed to this machine (DNS rebinding)', async () => {
    const evil = await rawHttp(server.url, 'GET /api/trainer HTTP/1.1', { host: 'attacker.example' });
    expect(evil.status).toBe(403);
    const act = await rawHttp(
      server.url,
      'POST /api/act HTTP/1.1',
      { host: 'attacker.example:80', 'content-type': 'application/json' },
      JSON.stringify({ kind: 'note', role: 'scribe', text: 'rebound' }),
    );
    expect(act.status).toBe(403);
    for (const host of [new URL(server.url).host, `localhost:${new URL(server.url).port}`])
      expect((await rawHttp(server.url, 'GET /api/info HTTP/1.1', { host })).status).toBe(200);
  });
});
