/** Loads the committed media (media.json + init/segment files) into memory. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChannelMedia, MediaError, mediaDescriptionSchema } from './description.ts';

/** Where make-media.sh writes: origin-stub/media/out. */
export const DEFAULT_MEDIA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new MediaError(`media file missing: ${path} (regenerate with origin-stub/media/make-media.sh)`);
  }
}

/** Loads one channel directory (containing media.json). */
export function loadChannelMedia(dir: string): ChannelMedia {
  const jsonPath = join(dir, 'media.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'not valid JSON';
    throw new MediaError(`cannot load ${jsonPath}: ${why}`);
  }
  const parsed = mediaDescriptionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MediaError(`invalid ${jsonPath}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const description = parsed.data;
  const root = resolve(dir);
  const within = (rel: string): string => {
    const p = resolve(root, rel);
    if (!p.startsWith(`${root}/`)) throw new MediaError(`media.json refers outside its directory: ${rel}`);
    return p;
  };
  return {
    description,
    renditions: description.renditions.map((r) => ({
      description: r,
      init: readBytes(within(r.init)),
      segments: r.segments.map((s) => {
        const bytes = readBytes(within(s.file));
        if (bytes.length !== s.bytes) {
          throw new MediaError(`${s.file} is ${bytes.length} bytes, media.json says ${s.bytes}`);
        }
        return bytes;
      }),
    })),
  };
}

/** Loads every channel under `root` (each subdirectory with a media.json), sorted by name. */
export function loadAllMedia(root = DEFAULT_MEDIA_DIR): ChannelMedia[] {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    throw new MediaError(
      `media directory not found: ${root} (generate it with origin-stub/media/make-media.sh)`,
    );
  }
  const channels = names
    .filter((n) => statSync(join(root, n)).isDirectory())
    .map((n) => loadChannelMedia(join(root, n)));
  if (channels.length === 0) throw new MediaError(`no channels in ${root}`);
  return channels;
}
