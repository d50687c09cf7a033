import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { createClearKeyServer, type LicenceFault } from './clearkey-server.ts';
import { deriveChannelKey, KeyStore, toBase64Url } from './keys.ts';

const news = deriveChannelKey('news', 's');
const sport = deriveChannelKey('sport', 's');
const store = new KeyStore([news, sport]);

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(faults: Record<string, LicenceFault> = {}, clock = new VirtualClock()) {
  const server = createClearKeyServer({
    clock,
    lookup: (kid) => store.get(kid),
    beforeIssue: (label) => faults[label],
  });
  app = Fastify();
  await app.register(server.plugin);
  return { server, app, clock };
}

const body = (kids: string[]) => JSON.stringify({ kids, type: 'temporary' });

describe('ClearKey licence server', () => {
  it('answers a licence request with the key (round trip)', async () => {
    const { server, app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/licence', payload: body([toBase64Url(news.kid)]) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      keys: [{ kty: 'oct', kid: toBase64Url(news.kid), k: toBase64Url(news.key) }],
      type: 'temporary',
    });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(server.stats().clearkey?.issued).toBe(1);
  });

  it('takes the DRM label from the query or the path and counts per label', async () => {
    const { server, app } = await setup();
    const payload = body([toBase64Url(sport.kid)]);
    for (const url of ['/licence?drm=playready', '/licence/PlayReady', '/licence/widevine']) {
      const res = await app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.statusCode).toBe(200);
    }
    const stats = server.stats();
    expect(stats.playready?.issued).toBe(2);
    expect(stats.widevine?.issued).toBe(1);
    expect(stats.playready?.latency.count).toBe(2);
  });

  it('accepts a body with no content type', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/licence',
      body: Buffer.from(body([toBase64Url(news.kid)])),
    });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['not json', 'hello', /not JSON/],
    ['empty', '', /empty request body/],
    ['no kids', '{"type":"temporary"}', /"kids" must be a non-empty array/],
    ['bad kid', '{"kids":["abc"],"type":"temporary"}', /kids\[0\] is not a 16-byte/],
    ['bad type', `{"kids":["${toBase64Url(news.kid)}"],"type":"persistent-license"}`, /only "temporary"/],
    ['array', '[1,2]', /must be a JSON object/],
  ])('rejects a bad request (%s) with a clear 400', async (_name, payload, message) => {
    const { server, app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/licence?drm=fairplay', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect(server.stats().fairplay?.errors).toBe(1);
  });

  it('rejects a bad label and unknown keys', async () => {
    const { app } = await setup();
    const bad = await app.inject({ method: 'POST', url: '/licence?drm=%3Cscript%3E', payload: '{}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/drm label/);
    const unknown = await app.inject({
      method: 'POST',
      url: '/licence',
      payload: body([toBase64Url(new Uint8Array(16))]),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('lets the fault hook refuse a label with 503', async () => {
    const { server, app } = await setup({ playready: { status: 503 } });
    const payload = body([toBase64Url(news.kid)]);
    expect((await app.inject({ method: 'POST', url: '/licence?drm=playready', payload })).statusCode).toBe(
      503,
    );
    expect((await app.inject({ method: 'POST', url: '/licence?drm=widevine', payload })).statusCode).toBe(
      200,
    );
    expect(server.stats().playready).toMatchObject({ issued: 0, errors: 1, errorsByStatus: { 503: 1 } });
  });

  it('delays on the clock and records the latency', async () => {
    const clock = new VirtualClock();
    const { server, app } = await setup({ playready: { delayMs: 1500 } }, clock);
    const pending = app.inject({
      method: 'POST',
      url: '/licence?drm=playready',
      payload: body([toBase64Url(news.kid)]),
    });
    while (clock.nextDue() === undefined) await new Promise((r) => setImmediate(r));
    clock.advanceBy(1500);
    expect((await pending).statusCode).toBe(200);
    expect(server.stats().playready?.latency).toMatchObject({ count: 1, totalMs: 1500, maxMs: 1500 });
  });

  it('hangs until the server closes', async () => {
    const { server, app } = await setup({ playready: { hang: true } });
    const pending = app.inject({
      method: 'POST',
      url: '/licence?drm=playready',
      payload: body([toBase64Url(news.kid)]),
    });
    await new Promise((r) => setTimeout(r, 50));
    await app.close();
    await pending.catch(() => undefined);
    expect(server.stats().playready?.errors).toBe(1);
  });
});
