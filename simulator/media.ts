/**
 * The ABR ladders the model players choose from: the stub's real media (`media.json` of each
 * channel under origin-stub/media/out), read once — only the descriptions, never the segment bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mediaDescriptionSchema } from '../origin-stub/media/description.ts';
import { DEFAULT_MEDIA_DIR } from '../origin-stub/media/load-media.ts';

export interface Rung {
  id: string;
  /** Peak bit rate (HLS BANDWIDTH), bits/s: what ABR compares with its estimate. */
  bandwidth: number;
  /** Mean bit rate, bits/s: what a segment really weighs. */
  averageBandwidth: number;
  width: number;
  height: number;
}

export interface ChannelLadder {
  channel: string;
  segmentSeconds: number;
  /** Video renditions, lowest first. */
  video: Rung[];
  /** Mean audio bit rate, bits/s (fetched with every video segment). */
  audioBps: number;
}

const cache = new Map<string, ChannelLadder[]>();

/** Ladders of every channel under `root`, sorted by channel name. */
export function loadLadders(root = DEFAULT_MEDIA_DIR): ChannelLadder[] {
  const hit = cache.get(root);
  if (hit) return hit;
  const ladders = readdirSync(root)
    .sort()
    .flatMap((name) => {
      let raw: string;
      try {
        raw = readFileSync(join(root, name, 'media.json'), 'utf8');
      } catch {
        return [];
      }
      const d = mediaDescriptionSchema.parse(JSON.parse(raw));
      const video = d.renditions
        .filter((r) => r.kind === 'video')
        .map((r) => ({
          id: r.id,
          bandwidth: r.bandwidth,
          averageBandwidth: r.averageBandwidth,
          width: r.width ?? 0,
          height: r.height ?? 0,
        }))
        .sort((a, b) => a.bandwidth - b.bandwidth);
      const audio = d.renditions.find((r) => r.kind === 'audio');
      return [
        {
          channel: d.channel,
          segmentSeconds: d.segmentSeconds,
          video,
          audioBps: audio?.averageBandwidth ?? 0,
        },
      ];
    });
  if (ladders.length === 0) throw new Error(`no media.json under ${root}`);
  cache.set(root, ladders);
  return ladders;
}
