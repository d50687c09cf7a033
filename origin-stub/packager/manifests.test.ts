import { Parser } from 'm3u8-parser';
import { parse as parseMpd } from 'mpd-parser';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { deriveChannelKey, kidToUuid } from '../drm/keys.ts';
import { DEFAULT_MEDIA_DIR, loadChannelMedia } from '../media/load-media.ts';
import { renderMpd } from './dash.ts';
import { clearKeyTag, renderMediaPlaylist, renderMultivariantPlaylist } from './hls.ts';
import type { ManifestOptions } from './manifest-options.ts';
import { latestAvailableNumber, segmentState, segmentTiming, windowRange } from './timeline.ts';

const media = loadChannelMedia(`${DEFAULT_MEDIA_DIR}/news`).description;
const AST = Date.UTC(2026, 0, 1);
const base: ManifestOptions = { availabilityStartTimeMs: AST, windowSegments: 5 };
const video = media.renditions.find((r) => r.id === '360p')!;
const audio = media.renditions.find((r) => r.id === 'audio')!;

function m3u8(text: string) {
  const p = new Parser();
  p.push(text);
  p.end();
  return p.manifest;
}

describe('timeline', () => {
  it('makes a segment available only after its end', () => {
    expect(latestAvailableNumber(video, base, AST)).toBe(-1);
    expect(latestAvailableNumber(video, base, AST + 1999)).toBe(-1);
    expect(latestAvailableNumber(video, base, AST + 2000)).toBe(0);
    expect(segmentState(video, base, AST + 2000, 1)).toBe('future');
    // Audio segments are 2.0053 s: segment 0 ends after 2005 ms.
    expect(latestAvailableNumber(audio, base, AST + 2005)).toBe(-1);
    expect(latestAvailableNumber(audio, base, AST + 2006)).toBe(0);
  });

  it('wraps the loop with continuous timestamps', () => {
    for (const r of [video, audio]) {
      for (let n = 0; n < 30; n++) {
        const a = segmentTiming(r, n);
        const b = segmentTiming(r, n + 1);
        expect(b.start).toBe(a.start + a.duration);
      }
      expect(segmentTiming(r, 8).start).toBe(r.loopDuration);
    }
  });

  it('expires segments one window after they leave the playlist', () => {
    const now = AST + 100_000; // 50 video segments
    expect(windowRange(video, base, now)).toEqual({ first: 45, last: 49 });
    expect(segmentState(video, base, now, 40)).toBe('available');
    expect(segmentState(video, base, now, 39)).toBe('expired');
  });
});

describe('HLS', () => {
  it('writes a multivariant playlist that m3u8-parser understands', () => {
    const text = renderMultivariantPlaylist(media);
    expect(text).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
    const m = m3u8(text);
    expect(m.playlists).toHaveLength(3);
    const p = m.playlists[1];
    expect(p.uri).toBe('360p/media.m3u8');
    expect(p.attributes.RESOLUTION).toEqual({ width: 640, height: 360 });
    expect(p.attributes.CODECS).toBe(`${video.codecs},mp4a.40.2`);
    expect(p.attributes.BANDWIDTH).toBe(video.bandwidth + audio.bandwidth);
    expect(p.attributes.AUDIO).toBe('audio');
    expect(m.mediaGroups.AUDIO.audio.audio.uri).toBe('audio/media.m3u8');
  });

  it('uses absolute URIs under baseUrl', () => {
    const url = 'http://cdn-a.test/live/news/clear/';
    expect(m3u8(renderMultivariantPlaylist(media, { baseUrl: url })).playlists[0].uri).toBe(
      `${url}216p/media.m3u8`,
    );
    const mp = m3u8(renderMediaPlaylist(media, '360p', AST + 60_000, { ...base, baseUrl: url }));
    expect(mp.segments[0].uri).toBe(`${url}360p/25.m4s`);
    expect(mp.segments[0].map.uri).toBe(`${url}360p/init.mp4`);
  });

  it('slides the window as the clock advances', () => {
    const clock = new VirtualClock(AST + 60_000);
    const first = m3u8(renderMediaPlaylist(media, '360p', clock.now(), base));
    expect(first.mediaSequence).toBe(25);
    expect(first.targetDuration).toBe(2);
    expect(first.segments.map((s: { uri: string }) => s.uri)).toEqual([
      '25.m4s',
      '26.m4s',
      '27.m4s',
      '28.m4s',
      '29.m4s',
    ]);
    expect(first.segments[0].dateTimeString).toBe(new Date(AST + 50_000).toISOString());
    expect(first.segments[0].map.uri).toBe('init.mp4');
    clock.advanceBy(2000);
    const next = m3u8(renderMediaPlaylist(media, '360p', clock.now(), base));
    expect(next.mediaSequence).toBe(26);
    clock.advanceBy(20_000);
    expect(m3u8(renderMediaPlaylist(media, '360p', clock.now(), base)).mediaSequence).toBe(36);
  });

  it('lists real audio durations', () => {
    // At 64 s the window holds audio segments 27..31: loop files 3..7 (the last one is shorter).
    const text = renderMediaPlaylist(media, 'audio', AST + 64_000, base);
    expect(text).toContain('#EXTINF:2.005333,');
    expect(text).toContain('#EXTINF:1.962667,');
  });

  it('puts the ClearKey key tag before EXT-X-MAP for the encrypted variant', () => {
    const { kid } = deriveChannelKey('news');
    const text = renderMediaPlaylist(media, '360p', AST + 60_000, { ...base, encryption: { kid } });
    const keyAt = text.indexOf(clearKeyTag(kid));
    expect(keyAt).toBeGreaterThan(0);
    expect(keyAt).toBeLessThan(text.indexOf('#EXT-X-MAP'));
    expect(text).toContain('METHOD=SAMPLE-AES-CTR,KEYFORMAT="org.w3.clearkey"');
  });

  it('stops advancing when frozen and marks gaps', () => {
    const frozen = { ...base, frozenAtMs: AST + 60_000 };
    expect(renderMediaPlaylist(media, '360p', AST + 90_000, frozen)).toBe(
      renderMediaPlaylist(media, '360p', AST + 60_000, frozen),
    );
    const gapped = renderMediaPlaylist(media, '360p', AST + 60_000, { ...base, isGap: (n) => n === 27 });
    expect(gapped).toMatch(/#EXT-X-GAP\n#EXTINF:2\.000000,\n27\.m4s/);
    expect(gapped.match(/#EXT-X-GAP/g)).toHaveLength(1);
  });
});

describe('DASH', () => {
  const mpdOpts = { ...base, utcTimingUrl: '/live/time' };

  it('writes a dynamic MPD that mpd-parser understands', () => {
    const now = AST + 60_000;
    const xml = renderMpd(media, now, mpdOpts);
    expect(xml).toContain('type="dynamic"');
    expect(xml).toContain(`availabilityStartTime="${new Date(AST).toISOString()}"`);
    expect(xml).toContain(`publishTime="${new Date(now).toISOString()}"`);
    expect(xml).toContain('timeShiftBufferDepth="PT10S"');
    expect(xml).toContain('<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-iso:2014" value="/live/time"/>');
    const m = parseMpd(xml, {
      manifestUri: 'http://127.0.0.1/live/news/clear/manifest.mpd',
      NOW: now,
      clientOffset: 0,
    });
    expect(m.playlists).toHaveLength(3);
    const p = m.playlists.find((x: { attributes: { NAME: string } }) => x.attributes.NAME === '360p');
    expect(p.segments).toHaveLength(5);
    expect(p.segments[0].uri).toBe('360p/25.m4s');
    expect(p.segments[0].presentationTime).toBe(50);
    expect(p.segments[0].duration).toBe(2);
    const a = Object.values(m.mediaGroups.AUDIO.audio)[0] as {
      playlists: Array<{ segments: Array<{ duration: number }> }>;
    };
    expect(a.playlists[0]!.segments.map((s) => s.duration.toFixed(4))).toContain('2.0053');
    const later = parseMpd(renderMpd(media, AST + 64_000, mpdOpts), {
      manifestUri: 'http://127.0.0.1/m.mpd',
      NOW: AST + 64_000,
      clientOffset: 0,
    });
    const la = Object.values(later.mediaGroups.AUDIO.audio)[0] as typeof a;
    expect(la.playlists[0]!.segments.map((s) => s.duration.toFixed(4)).at(-1)).toBe('1.9627');
  });

  it('describes real segment times in the SegmentTimeline', () => {
    const xml = renderMpd(media, AST + 60_000, mpdOpts);
    // Video: 25..29, one run of 2 s segments starting at 25 x 2 s.
    expect(xml).toContain(`<S t="${25 * 30720}" d="30720" r="4"/>`);
    // Audio: 2.0053 s segments, so at 60 s the window is 24..28 = loop files 0..4 of loop 3.
    expect(xml).toContain(`<S t="${3 * 768000}" d="96256" r="4"/>`);
  });

  it('advances with the clock and signals ClearKey for the encrypted variant', () => {
    const before = renderMpd(media, AST + 60_000, mpdOpts);
    const after = renderMpd(media, AST + 62_000, mpdOpts);
    expect(before).toContain('startNumber="25"');
    expect(after).toContain('startNumber="26"');
    const { kid } = deriveChannelKey('news');
    const enc = renderMpd(media, AST + 60_000, { ...mpdOpts, encryption: { kid } });
    expect(enc).toContain(`cenc:default_KID="${kidToUuid(kid)}"`);
    expect(enc).toContain('schemeIdUri="urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e"');
    expect(enc.match(/ContentProtection/g)).toHaveLength(4);
    const m = parseMpd(enc, { manifestUri: 'http://127.0.0.1/m.mpd', NOW: AST + 60_000, clientOffset: 0 });
    expect(m.playlists[0].contentProtection.mp4protection.attributes['cenc:default_KID']).toBe(
      kidToUuid(kid),
    );
  });
});
