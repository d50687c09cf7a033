/**
 * A malformed manifest, as a broken packager or a misbehaving edge would serve it: cut short
 * mid-line, with a mangled tag, so parsers reject it (HLS) or fail on XML (DASH).
 */
export function malformManifest(text: string): string {
  const cut = text.slice(0, Math.max(16, Math.floor(text.length * 0.6)));
  return cut.startsWith('#EXTM3U')
    ? cut.replace('#EXTM3U', '#EXTM3U\n#EXT-X-TARGETDURATION:x').replace(/#EXTINF:/g, '#EXTINF:-')
    : cut;
}
