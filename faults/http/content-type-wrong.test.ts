import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls, whereHttp } from '../../test/support/faults.ts';
import { min, trial } from '../../test/support/simulator.ts';
import { FaultInputError, FaultRegistry } from '../registry.ts';
import { contentTypeWrong } from './content-type-wrong.ts';

const parse = (contentType: unknown) =>
  contentTypeWrong.schema.safeParse({ type: 'content-type-wrong', contentType });

describe('content-type-wrong', () => {
  it('replaces the Content-Type of manifests, init and media segments, nothing else', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ id: 'ct', type: 'content-type-wrong', contentType: 'text/html' });
    for (const kind of ['manifest', 'init', 'segment'] as const) {
      expect(reg.decide({ component: 'edge', kind })).toEqual({
        headers: { 'content-type': 'text/html' },
        faultIds: ['ct'],
      });
    }
    expect(reg.decide({ component: 'licence', kind: 'licence', drm: 'widevine' })).toEqual({ faultIds: [] });
    expect(reg.decide({ component: 'steering', kind: 'steering', region: 'emea' })).toEqual({ faultIds: [] });
  });

  it('hits about its share', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ type: 'content-type-wrong', share: 0.5, match: { kind: 'segment' } });
    let hits = 0;
    for (let i = 0; i < 2000; i++) if (reg.decide({ component: 'origin', kind: 'segment' }).headers) hits++;
    expect(hits / 2000).toBeGreaterThan(0.45);
    expect(hits / 2000).toBeLessThan(0.55);
  });

  it('has no effect in the population model: both players ignore the type (measured)', () => {
    const f = placeHttp(contentTypeWrong, { contentType: 'video/mp4' });
    expect(tierCalls(contentTypeWrong, f, true)).toEqual([]);
    expect(tierCalls(contentTypeWrong, f, false)).toEqual([]);
    expect(contentTypeWrong.modelled).toMatch(/^no effect: hls\.js .* and Shaka .* ignore the type/);
  });

  it('takes a media type; no header injection; no charset the model cannot tell apart', () => {
    expect(parse(undefined).data).toMatchObject({ contentType: 'application/octet-stream', share: 1 });
    expect(parse('binary/octet-stream').success).toBe(true);
    expect(parse('text/html; charset=iso-8859-1').success).toBe(true);
    expect(parse('text/html\r\nx-evil: 1').error?.issues[0]?.message).toBe(
      'a media type such as text/html or application/octet-stream',
    );
    expect(parse('html').success).toBe(false);
    expect(parse('text/plain; charset=utf-16le').error?.issues[0]?.message).toMatch(
      /^a charset that is not ASCII-compatible is not offered: hls\.js decodes playlists by it and fails/,
    );
  });

  it('lives where the wrong type is served; the licence server serves no objects it acts on', () => {
    expect(whereHttp({ type: 'content-type-wrong', match: { component: 'origin', kind: 'init' } })).toEqual([
      { party: 'origin', component: 'origin', origin: ['origin'], owners: ['sme:origin'] },
    ]);
    expect(
      whereHttp({ type: 'content-type-wrong', match: { cdn: 'cdn-b' } }).map((l) => l.component),
    ).toEqual(['shield', 'edge']);
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    expect(() => reg.add({ type: 'content-type-wrong', match: { component: 'licence' } })).toThrow(
      FaultInputError,
    );
  });

  it('a virtual run with every object mistyped plays exactly as one without', async () => {
    const hash = async (fault: boolean) => {
      const h = createHash('sha256');
      await trial({
        sessions: 1500,
        minutes: 4,
        heartbeats: false,
        actions: fault
          ? [
              {
                atMs: min(1),
                run: (s) => s.addHttpFault({ type: 'content-type-wrong', contentType: 'text/html' }),
              },
            ]
          : [],
        onEvent: (e) => h.update(JSON.stringify(e)),
      });
      return h.digest('hex');
    };
    expect(await hash(true)).toBe(await hash(false));
  });
});
