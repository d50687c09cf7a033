import { describe, expect, it } from 'vitest';
import { cacheKey, parseRequestTarget, requestFacts } from './request-facts.ts';

const parse = (t: string) => {
  const r = parseRequestTarget(t);
  if (!r.ok) throw new Error(r.error);
  return r.request;
};

describe('request facts', () => {
  it('strips the device-class prefix and reads the origin layout', () => {
    const r = parse('/d/tv/live/news/enc/360p/12.m4s?CMCD=bs');
    expect(r).toMatchObject({ path: '/live/news/enc/360p/12.m4s', deviceClass: 'tv', channel: 'news' });
    expect(r).toMatchObject({ variant: 'enc', rendition: '360p', kind: 'segment', kindLabel: 'segment' });
    expect(parse('/live/news/clear/master.m3u8')).toMatchObject({ kind: 'manifest', channel: 'news' });
    expect(parse('/live/news/clear/master.m3u8').rendition).toBeUndefined();
    expect(parse('/live/news/clear/manifest.mpd').kind).toBe('manifest');
    expect(parse('/live/news/clear/216p/init.mp4').kind).toBe('init');
    expect(parse('/live/time').kindLabel).toBe('other');
    expect(parse('/live/time').channel).toBeUndefined();
    expect(parse('/live//news/./clear/../clear/master.m3u8').path).toBe('/live/news/clear/master.m3u8');
  });

  it('rejects bad input without throwing', () => {
    expect(parseRequestTarget('http://evil/x').ok).toBe(false);
    expect(parseRequestTarget(undefined).ok).toBe(false);
    expect(parseRequestTarget('/d/<script>/live/a/b/c.m4s').ok).toBe(false);
  });

  it('keys on path and query minus CMCD, keeping _HLS_ and _DASH_ arguments', () => {
    const k = (t: string) => cacheKey('GET', parse(t));
    expect(k('/live/a/clear/1.m4s?CMCD=bs%2Csid%3D%22x%22')).toBe('GET /live/a/clear/1.m4s');
    expect(k('/d/tv/live/a/clear/1.m4s')).toBe('GET /live/a/clear/1.m4s');
    expect(k('/live/a/clear/media.m3u8?_HLS_msn=5&CMCD=x&_HLS_part=1')).toBe(
      'GET /live/a/clear/media.m3u8?_HLS_msn=5&_HLS_part=1',
    );
    expect(cacheKey('HEAD', parse('/x.m4s'))).toBe('GET /x.m4s');
  });

  it('derives RequestFacts', () => {
    const facts = requestFacts(parse('/d/phone/live/news/clear/360p/3.m4s'), {
      component: 'edge',
      cdn: 'cdn-a',
      pop: 'fra',
      region: 'emea',
      isp: 'telco',
    });
    expect(facts).toEqual({
      component: 'edge',
      cdn: 'cdn-a',
      pop: 'fra',
      region: 'emea',
      isp: 'telco',
      channel: 'news',
      variant: 'clear',
      kind: 'segment',
      rendition: '360p',
      deviceClass: 'phone',
    });
  });
});
