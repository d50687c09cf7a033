/**
 * The console server on a real loopback socket, over a paused trainer replay of the worked example:
 * the built app at `/`, the journal as a server-sent event stream, the token beyond loopback, and
 * nothing left listening.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
