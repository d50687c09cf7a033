/**
 * Per-viewer manifests with every CDN pathway: an HLS multivariant playlist whose variants repeat
 * per PATHWAY-ID with absolute URIs (HLS Content Steering), and a DASH MPD with one BaseURL per
 * serviceLocation plus a ContentSteering element. Pure functions over the media description.
 */
import type { MediaDescription } from '../media/description.ts';
import { type MpdOptions, renderMpd } from '../packager/dash.ts';
import { variantLines } from '../packager/hls.ts';

export interface Pathway {
  /** CDN name, used as PATHWAY-ID / serviceLocation. */
  id: string;
  /** Absolute URL of the variant directory on this pathway, ending in `/`. */
  baseUrl: string;
}

export interface SteeringTag {
  serverUri: string;
  defaultPathway: string;
}

const attr = (s: string) => s.replace(/"/g, '%22');

export function renderSteeredMultivariant(
  media: MediaDescription,
  pathways: Pathway[],
  steering: SteeringTag,
): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-CONTENT-STEERING:SERVER-URI="${attr(steering.serverUri)}",PATHWAY-ID="${attr(steering.defaultPathway)}"`,
  ];
  for (const p of pathways) {
    // Each pathway needs its own audio group so a pathway switch moves audio too.
    lines.push(
      ...variantLines(media, {
        group: `audio-${p.id}`,
        uri: (id) => attr(`${p.baseUrl}${id}/media.m3u8`),
        pathwayId: attr(p.id),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderSteeredMpd(
  media: MediaDescription,
  nowMs: number,
  opts: Omit<MpdOptions, 'baseUrl'>,
  pathways: Pathway[],
  steering: SteeringTag,
): string {
  const mpd = renderMpd(media, nowMs, opts);
  const inserted = [
    `  <ContentSteering defaultServiceLocation="${xml(steering.defaultPathway)}" queryBeforeStart="false">${xml(steering.serverUri)}</ContentSteering>`,
    ...pathways.map((p) => `  <BaseURL serviceLocation="${xml(p.id)}">${xml(p.baseUrl)}</BaseURL>`),
  ];
  const open = mpd.indexOf('>', mpd.indexOf('<MPD ')) + 1;
  return `${mpd.slice(0, open)}\n${inserted.join('\n')}${mpd.slice(open)}`;
}
