/**
 * The `manifest-malformed` effect: a manifest that players cannot parse, made the way broken
 * packagers and truncating middleboxes make them: the first tag mangled, the body cut mid-line.
 */

const TRUNCATE_SHARE = 0.6;

export function corruptManifest(body: Buffer): Buffer {
  return Buffer.from(malformManifest(body.toString('utf8')), 'utf8');
}

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
