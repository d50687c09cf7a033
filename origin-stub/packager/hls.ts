/** HLS playlist generation (pure: media description + clock time + options -> text). */
import { type MediaDescription, MediaError, type RenditionDescription } from '../media/description.ts';
import { type ManifestOptions, manifestTime } from './manifest-options.ts';
import { mediaTimeToMs, segmentTiming, windowRange } from './timeline.ts';

const AUDIO_GROUP = 'audio';

export function findRendition(media: MediaDescription, id: string): RenditionDescription | undefined {
  return media.renditions.find((r) => r.id === id);
}

function uriPrefix(baseUrl: string | undefined, rendition: string, fromVariantDir: boolean): string {
  if (baseUrl !== undefined) return `${baseUrl}${rendition}/`;
  return fromVariantDir ? `${rendition}/` : '';
}

/** Largest EXTINF rounded to the nearest second (what EXT-X-TARGETDURATION must cover). */
export function targetDuration(r: RenditionDescription): number {
  return Math.max(1, ...r.segments.map((s) => Math.round(s.duration / r.timescale)));
}

/** Multivariant playlist: one variant per video rendition, all sharing one audio group. */
export function renderMultivariantPlaylist(
  media: MediaDescription,
  opts: Pick<ManifestOptions, 'baseUrl'> = {},
): string {
  const videos = media.renditions.filter((r) => r.kind === 'video');
  const audios = media.renditions.filter((r) => r.kind === 'audio');
  if (videos.length === 0 || audios.length === 0) {
    throw new MediaError(`channel ${media.channel} needs at least one video and one audio rendition`);
  }
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  lines.push(
    ...variantLines(media, {
      group: AUDIO_GROUP,
      uri: (id) => `${uriPrefix(opts.baseUrl, id, true)}media.m3u8`,
    }),
  );
  return `${lines.join('\n')}\n`;
}

/** The key tag hls.js needs to start EME with ClearKey (placed before EXT-X-MAP). */
export function clearKeyTag(kid: Uint8Array): string {
  const b64 = Buffer.from(kid).toString('base64');
  return `#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1",URI="data:text/plain;base64,${b64}"`;
}

/** Sliding-window live media playlist for one rendition as of `nowMs`. */
export function renderMediaPlaylist(
  media: MediaDescription,
  renditionId: string,
  nowMs: number,
  opts: ManifestOptions,
): string {
  const r = findRendition(media, renditionId);
  if (!r) throw new MediaError(`unknown rendition '${renditionId}' in channel ${media.channel}`);
  const at = manifestTime(nowMs, opts);
  const { first, last } = windowRange(r, opts, at);
  const prefix = uriPrefix(opts.baseUrl, r.id, false);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${targetDuration(r)}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  if (opts.encryption) lines.push(clearKeyTag(opts.encryption.kid));
  lines.push(`#EXT-X-MAP:URI="${prefix}init.mp4"`);
  for (let n = first; n <= last; n++) {
    const t = segmentTiming(r, n);
    lines.push(
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(Math.round(mediaTimeToMs(r, opts, t.start))).toISOString()}`,
    );
    if (opts.isGap?.(n)) lines.push('#EXT-X-GAP');
    lines.push(`#EXTINF:${(t.duration / r.timescale).toFixed(6)},`, `${prefix}${n}.m4s`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The EXT-X-MEDIA audio lines and EXT-X-STREAM-INF variants of one set of renditions: one audio
 * group, URIs from `uri(renditionId)`, and a PATHWAY-ID when the set is one content-steering pathway.
 */
export function variantLines(
  media: MediaDescription,
  o: { group: string; uri: (renditionId: string) => string; pathwayId?: string },
): string[] {
  const videos = media.renditions.filter((r) => r.kind === 'video');
  const audios = media.renditions.filter((r) => r.kind === 'audio');
  const lines: string[] = [];
  audios.forEach((a, i) => {
    const attrs = [
      'TYPE=AUDIO',
      `GROUP-ID="${o.group}"`,
      `NAME="${a.id}"`,
      'LANGUAGE="en"',
      `DEFAULT=${i === 0 ? 'YES' : 'NO'}`,
      'AUTOSELECT=YES',
    ];
    if (a.channels) attrs.push(`CHANNELS="${a.channels}"`);
    attrs.push(`URI="${o.uri(a.id)}"`);
    lines.push(`#EXT-X-MEDIA:${attrs.join(',')}`);
  });
  const audioPeak = Math.max(...audios.map((a) => a.bandwidth));
  const audioMean = Math.max(...audios.map((a) => a.averageBandwidth));
  for (const v of videos) {
    const attrs = [
      `BANDWIDTH=${v.bandwidth + audioPeak}`,
      `AVERAGE-BANDWIDTH=${v.averageBandwidth + audioMean}`,
      `CODECS="${v.codecs},${audios[0]!.codecs}"`,
    ];
    if (v.width && v.height) attrs.push(`RESOLUTION=${v.width}x${v.height}`);
    if (v.frameRate) attrs.push(`FRAME-RATE=${v.frameRate.toFixed(3)}`);
    attrs.push(`AUDIO="${o.group}"`);
    if (o.pathwayId !== undefined) attrs.push(`PATHWAY-ID="${o.pathwayId}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, o.uri(v.id));
  }
  return lines;
}
