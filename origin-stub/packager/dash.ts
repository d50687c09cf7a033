/** DASH dynamic MPD generation (pure: media description + clock time + options -> XML). */

import { CLEARKEY_DASH_SCHEME } from '../drm/cenc.ts';
import { kidToUuid } from '../drm/keys.ts';
import { type MediaDescription, MediaError, type RenditionDescription } from '../media/description.ts';
import { type ManifestOptions, manifestTime } from './manifest-options.ts';
import { segmentTiming, windowRange } from './timeline.ts';

export interface MpdOptions extends ManifestOptions {
  /** UTCTiming (urn:mpeg:dash:utc:http-iso:2014) URL; resolved against the MPD URL when relative. */
  utcTimingUrl: string;
  /** Default: the nominal segment length. */
  minimumUpdatePeriodSeconds?: number;
  /** Default: three nominal segments. */
  suggestedPresentationDelaySeconds?: number;
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** xs:duration with millisecond precision, e.g. PT2.006S. */
export function isoDuration(seconds: number): string {
  return `PT${Number(seconds.toFixed(3))}S`;
}

/** SegmentTimeline S elements for [first, last], run-length encoded with @r; @t on the first and after any jump. */
function segmentTimeline(r: RenditionDescription, first: number, last: number): string[] {
  const runs: Array<{ t: number; d: number; r: number; explicit: boolean }> = [];
  for (let n = first; n <= last; n++) {
    const seg = segmentTiming(r, n);
    const prev = runs.at(-1);
    const prevEnd = prev ? prev.t + prev.d * (prev.r + 1) : undefined;
    if (prev && seg.duration === prev.d && seg.start === prevEnd) prev.r++;
    else runs.push({ t: seg.start, d: seg.duration, r: 0, explicit: seg.start !== prevEnd });
  }
  return runs.map(
    (run) => `<S${run.explicit ? ` t="${run.t}"` : ''} d="${run.d}"${run.r > 0 ? ` r="${run.r}"` : ''}/>`,
  );
}

function contentProtection(opts: ManifestOptions, indent: string): string[] {
  if (!opts.encryption) return [];
  const kid = kidToUuid(opts.encryption.kid);
  return [
    `${indent}<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="${kid}"/>`,
    `${indent}<ContentProtection schemeIdUri="${CLEARKEY_DASH_SCHEME}" value="ClearKey1.0"/>`,
  ];
}

function representation(r: RenditionDescription, at: number, opts: MpdOptions): string[] {
  const { first, last } = windowRange(r, opts, at);
  const attrs = [`id="${xmlEscape(r.id)}"`, `bandwidth="${r.bandwidth}"`, `codecs="${xmlEscape(r.codecs)}"`];
  if (r.kind === 'video') {
    if (r.width && r.height) attrs.push(`width="${r.width}"`, `height="${r.height}"`, 'sar="1:1"');
    if (r.frameRate) attrs.push(`frameRate="${r.frameRate}"`);
  } else if (r.sampleRate) {
    attrs.push(`audioSamplingRate="${r.sampleRate}"`);
  }
  const lines = [`      <Representation ${attrs.join(' ')}>`];
  if (r.kind === 'audio' && r.channels) {
    lines.push(
      `        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${r.channels}"/>`,
    );
  }
  lines.push(
    `        <SegmentTemplate timescale="${r.timescale}" initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/$Number$.m4s" startNumber="${first}" presentationTimeOffset="0">`,
    '          <SegmentTimeline>',
    ...segmentTimeline(r, first, last).map((s) => `            ${s}`),
    '          </SegmentTimeline>',
    '        </SegmentTemplate>',
    '      </Representation>',
  );
  return lines;
}

function adaptationSet(
  kind: 'video' | 'audio',
  id: number,
  reps: RenditionDescription[],
  at: number,
  opts: MpdOptions,
) {
  const attrs = [
    `id="${id}"`,
    `contentType="${kind}"`,
    `mimeType="${kind}/mp4"`,
    'segmentAlignment="true"',
    'startWithSAP="1"',
  ];
  if (kind === 'video') {
    attrs.push(`maxWidth="${Math.max(...reps.map((r) => r.width ?? 0))}"`);
    attrs.push(`maxHeight="${Math.max(...reps.map((r) => r.height ?? 0))}"`);
  } else {
    attrs.push('lang="en"');
  }
  return [
    `    <AdaptationSet ${attrs.join(' ')}>`,
    ...contentProtection(opts, '      '),
    ...reps.flatMap((r) => representation(r, at, opts)),
    '    </AdaptationSet>',
  ];
}

/** Dynamic (live) MPD as of `nowMs`. */
export function renderMpd(media: MediaDescription, nowMs: number, opts: MpdOptions): string {
  const at = manifestTime(nowMs, opts);
  const videos = media.renditions.filter((r) => r.kind === 'video');
  const audios = media.renditions.filter((r) => r.kind === 'audio');
  if (videos.length === 0 || audios.length === 0) {
    throw new MediaError(`channel ${media.channel} needs at least one video and one audio rendition`);
  }
  const maxSegment = Math.max(
    ...media.renditions.flatMap((r) => r.segments.map((s) => s.duration / r.timescale)),
  );
  const seg = media.segmentSeconds;
  const attrs = [
    'xmlns="urn:mpeg:dash:schema:mpd:2011"',
    'xmlns:cenc="urn:mpeg:cenc:2013"',
    'profiles="urn:mpeg:dash:profile:isoff-live:2011"',
    'type="dynamic"',
    `availabilityStartTime="${new Date(opts.availabilityStartTimeMs).toISOString()}"`,
    `publishTime="${new Date(at).toISOString()}"`,
    `minimumUpdatePeriod="${isoDuration(opts.minimumUpdatePeriodSeconds ?? seg)}"`,
    `timeShiftBufferDepth="${isoDuration(opts.windowSegments * seg)}"`,
    `suggestedPresentationDelay="${isoDuration(opts.suggestedPresentationDelaySeconds ?? 3 * seg)}"`,
    `maxSegmentDuration="${isoDuration(Math.ceil(maxSegment * 1000) / 1000)}"`,
    `minBufferTime="${isoDuration(seg)}"`,
  ];
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<MPD ${attrs.join(' ')}>`];
  if (opts.baseUrl !== undefined) lines.push(`  <BaseURL>${xmlEscape(opts.baseUrl)}</BaseURL>`);
  lines.push(
    '  <Period id="0" start="PT0S">',
    ...adaptationSet('video', 0, videos, at, opts),
    ...adaptationSet('audio', 1, audios, at, opts),
    '  </Period>',
    `  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-iso:2014" value="${xmlEscape(opts.utcTimingUrl)}"/>`,
    '</MPD>',
  );
  return `${lines.join('\n')}\n`;
}
