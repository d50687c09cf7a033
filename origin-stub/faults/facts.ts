/** Request facts from a stack URL path: `[/d/<deviceClass>]/live/<channel>/<variant>/<rendition>/<file>`. */
import type { ObjectKind, RequestFacts } from './types.ts';

export type PathFacts = Pick<RequestFacts, 'channel' | 'variant' | 'rendition' | 'kind' | 'deviceClass'>;

export function kindOfFile(file: string): ObjectKind | undefined {
  if (file.endsWith('.m3u8') || file.endsWith('.mpd')) return 'manifest';
  if (file === 'init.mp4') return 'init';
  if (file.endsWith('.m4s')) return 'segment';
  return undefined;
}

export function factsFromPath(path: string): PathFacts {
  const clean = path.split('?')[0]!;
  const parts = clean.split('/').filter(Boolean);
  const facts: PathFacts = {};
  if (parts[0] === 'd' && parts[1]) {
    facts.deviceClass = parts[1];
    parts.splice(0, 2);
  }
  if (parts[0] !== 'live') return facts;
  const [, channel, variant, third, fourth] = parts;
  if (channel) facts.channel = channel;
  if (variant) facts.variant = variant;
  if (fourth) {
    facts.rendition = third;
    facts.kind = kindOfFile(fourth);
  } else if (third) {
    facts.kind = kindOfFile(third);
  }
  return facts;
}
