/**
 * Dev-time step of make-media.sh: turns ffmpeg's DASH output for one channel into the committed layout
 * `<output>/<rendition>/init.mp4`, `<output>/<rendition>/<i>.m4s` and `<output>/media.json`.
 *
 * It drops `sidx` (offsets go stale once the origin rewrites segments) and `edts` (ffmpeg's audio
 * edit list hides the AAC priming frame; without it media time equals presentation time, so the
 * times in our manifests are exactly the `tfdt` values), and records values read back from the files:
 * codec strings, timescales, real per-segment durations, peak and mean bit rates.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseBoxes, serializeBoxes } from '../mp4/boxes.ts';
import { dropSidx, readFragment } from '../mp4/fragment.ts';
import { readInitInfo } from '../mp4/init.ts';
import {
  type MediaDescription,
  MediaError,
  mediaDescriptionSchema,
  type RenditionDescription,
} from './description.ts';

const SEGMENT_SECONDS = 2;
/** trun sample flag: sample_is_non_sync_sample. */
const NON_SYNC = 0x10000;

export interface NormalizeOptions {
  input: string;
  output: string;
  channel: string;
  /** Rendition ids in ffmpeg representation order (0, 1, ...). */
  renditions: string[];
  loopSeconds: number;
}

/** Removes `edts` boxes from every trak of an init segment. */
export function dropEditLists(init: Uint8Array): Uint8Array {
  const boxes = parseBoxes(init);
  for (const moov of boxes.filter((b) => b.type === 'moov')) {
    for (const trak of moov.children ?? []) {
      if (trak.type === 'trak') trak.children = trak.children?.filter((c) => c.type !== 'edts');
    }
  }
  return serializeBoxes(boxes);
}

export function normalizeChannel(opts: NormalizeOptions): MediaDescription {
  const files = readdirSync(opts.input);
  const renditions: RenditionDescription[] = opts.renditions.map((id, index) => {
    const init = dropEditLists(new Uint8Array(readFileSync(join(opts.input, `init-${index}.m4s`))));
    const track = readInitInfo(init);
    const segFiles = files.filter((f) => f.startsWith(`seg-${index}-`) && f.endsWith('.m4s')).sort();
    if (segFiles.length === 0)
      throw new MediaError(`no segments for representation ${index} in ${opts.input}`);
    mkdirSync(join(opts.output, id), { recursive: true });
    writeFileSync(join(opts.output, id, 'init.mp4'), init);

    let expectedStart = 0;
    let peak = 0;
    let totalBytes = 0;
    let sampleCount = 0;
    const segments = segFiles.map((name, i) => {
      const bytes = dropSidx(new Uint8Array(readFileSync(join(opts.input, name))));
      const frag = readFragment(bytes, track.defaults);
      if (frag.baseMediaDecodeTime !== expectedStart) {
        throw new MediaError(
          `${id} segment ${i}: tfdt ${frag.baseMediaDecodeTime}, expected ${expectedStart}`,
        );
      }
      if (track.kind === 'video' && (frag.samples[0]!.flags & NON_SYNC) !== 0) {
        throw new MediaError(`${id} segment ${i} does not start with a key frame`);
      }
      const file = `${id}/${i}.m4s`;
      writeFileSync(join(opts.output, file), bytes);
      peak = Math.max(peak, (bytes.length * 8 * track.timescale) / frag.duration);
      totalBytes += bytes.length;
      sampleCount += frag.samples.length;
      expectedStart += frag.duration;
      return { file, start: frag.baseMediaDecodeTime, duration: frag.duration, bytes: bytes.length };
    });
    if (expectedStart !== opts.loopSeconds * track.timescale) {
      throw new MediaError(
        `${id}: loop is ${expectedStart / track.timescale} s, expected exactly ${opts.loopSeconds} s`,
      );
    }
    const r: RenditionDescription = {
      id,
      kind: track.kind,
      codecs: track.codec,
      bandwidth: Math.ceil(peak),
      averageBandwidth: Math.ceil((totalBytes * 8) / opts.loopSeconds),
      trackId: track.trackId,
      timescale: track.timescale,
      loopDuration: expectedStart,
      init: `${id}/init.mp4`,
      segments,
    };
    if (track.kind === 'video') {
      r.width = track.width;
      r.height = track.height;
      r.frameRate = sampleCount / opts.loopSeconds;
    } else {
      r.sampleRate = track.sampleRate;
      r.channels = track.channels;
    }
    return r;
  });

  const counts = new Set(renditions.map((r) => r.segments.length));
  if (counts.size !== 1) throw new MediaError(`renditions have different segment counts: ${[...counts]}`);
  const description = mediaDescriptionSchema.parse({
    version: 1,
    channel: opts.channel,
    loopSeconds: opts.loopSeconds,
    segmentSeconds: SEGMENT_SECONDS,
    renditions,
  });
  writeFileSync(join(opts.output, 'media.json'), `${JSON.stringify(description, null, 2)}\n`);
  return description;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      output: { type: 'string' },
      channel: { type: 'string' },
      renditions: { type: 'string' },
      'loop-seconds': { type: 'string' },
    },
  });
  const { input, output, channel, renditions } = values;
  const loopSeconds = Number(values['loop-seconds']);
  if (!input || !output || !channel || !renditions || !Number.isInteger(loopSeconds)) {
    throw new MediaError(
      'usage: normalize-media.ts --input DIR --output DIR --channel NAME --renditions a,b,c --loop-seconds N',
    );
  }
  const d = normalizeChannel({ input, output, channel, renditions: renditions.split(','), loopSeconds });
  for (const r of d.renditions) {
    console.error(`  ${r.id}: ${r.codecs} peak ${r.bandwidth} bps, mean ${r.averageBandwidth} bps`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (err) {
    console.error(`normalize-media: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
