/**
 * `manifest-malformed`: manifests players cannot parse, made the way broken packagers and
 * truncating middleboxes make them: the first tag mangled, the body cut mid-line.
 */
import { shareParam } from '../params.ts';
import { defineHttpFault } from './define.ts';

const TRUNCATE_SHARE = 0.6;

export function malformManifest(original: string): string {
  let text = original;
  if (text.startsWith('#EXTM3U')) {
    // hls.js and Shaka both refuse a playlist whose first line is not exactly #EXTM3U.
    text = `#EXT_M3U${text.slice('#EXTM3U'.length)}`;
  } else {
    text = text.replace(/<MPD\b/, '<MPD_');
  }
  const cut = Math.max(1, Math.floor(text.length * TRUNCATE_SHARE));
  // Never cut at a line end: a truncated playlist must also end in the middle of a line.
  const end = text[cut - 1] === '\n' ? cut - 1 : cut;
  return text.slice(0, end);
}

export const manifestMalformed = defineHttpFault({
  type: 'manifest-malformed',
  description: 'manifests come back cut short with a mangled first tag (unparsable)',
  modelled: 'the share of manifest responses fails to parse (the players’ parsing errors)',
  params: { share: shareParam },
  acts: { components: ['entry', 'origin', 'backup-origin', 'shield', 'edge'], kinds: ['manifest'] },
  decide(f, facts, effects, hit) {
    if (facts.kind !== 'manifest' || !hit(f.share)) return false;
    effects.rewrite = malformManifest;
    return true;
  },
  tier(f, tier, manifest) {
    if (manifest) tier.malformed(f.share);
  },
});
