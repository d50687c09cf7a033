/**
 * `content-type-wrong`: manifests, init segments or media segments served with a wrong
 * `Content-Type` (a misconfigured origin or CDN rule: `text/html`, `application/octet-stream`,
 * S3's `binary/octet-stream`, a playlist type on a segment...). The body is untouched; licence and
 * steering answers are not objects it acts on.
 *
 * MEASURED (test/e2e/content-type.test.ts; hls.js 1.7.4 and Shaka 5.2.12 in headless Chromium on
 * the stub stack, 2 viewers each, clear and ClearKey, every object wrong from the first request):
 * both players IGNORE the type. With every manifest (HLS multivariant and media playlists, DASH
 * MPD), init and media segment served as `text/html; charset=iso-8859-1`, and with the types
 * swapped (manifests as `video/mp4`, init and media segments as `application/vnd.apple.mpegurl`),
 * all four viewers started (startup p50 hls.js 382 / 340 ms, Shaka 298 / 273 ms; 674 / 405 ms in
 * the session's first, fault-free run on a cold browser) and played 11.7-11.9 s of 12 s with no
 * error, no stall and no failure. hls.js reads playlists as text and probes segments' bytes; Shaka picks its
 * parser by the URL's extension (`.mpd`), decodes manifests itself and takes segment types from
 * the MPD; MSE never sees the header.
 *
 * So the population model shows no effect (no `tier`): the same requests succeed.
 *
 * One thing is not ignored: a `charset` that is not ASCII-compatible. hls.js loads playlists with
 * XHR `responseType: 'text'`, which decodes by the declared charset: with manifests declared
 * `text/plain; charset=utf-16le` both hls.js viewers failed to start (fatal
 * `networkError/manifestParsingError`), while Shaka (which decodes UTF-8 itself) started and played
 * 12.0 s of 12 s. The model cannot fail hls.js and spare Shaka on the same request yet (its
 * request rows have no player), so such a charset is refused here, saying why, rather than modelled
 * wrong.
 */
import { z } from 'zod';
import { shareParam } from '../params.ts';
import type { ObjectKind } from '../types.ts';
import { defineHttpFault } from './define.ts';

const KINDS: readonly ObjectKind[] = ['manifest', 'init', 'segment'];

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** A media type as RFC 9110 writes one (type/subtype, optional parameters); no line breaks. */
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\r\\n]*"))*$`);

/** Charsets that decode an ASCII playlist to the same text (so hls.js parses it as before). */
const ASCII_COMPATIBLE = ['utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'windows-1252'];

function charsetOf(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m?.[1]?.toLowerCase();
}

export const contentTypeWrong = defineHttpFault({
  type: 'content-type-wrong',
  description: 'manifests and segments served with a wrong Content-Type (body untouched)',
  modelled:
    'no effect: hls.js 1.7.4 and Shaka 5.2.12 ignore the type (measured in Chromium, test/e2e/content-type.test.ts)',
  params: {
    contentType: z
      .string()
      .max(200)
      .regex(MEDIA_TYPE, 'a media type such as text/html or application/octet-stream')
      .refine(
        (t) => {
          const charset = charsetOf(t);
          return charset === undefined || ASCII_COMPATIBLE.includes(charset);
        },
        `a charset that is not ASCII-compatible is not offered: hls.js decodes playlists by it and fails (measured) while Shaka ignores it, which the population model cannot tell apart yet; use one of ${ASCII_COMPATIBLE.join(', ')}, or none`,
      )
      .default('application/octet-stream')
      .describe('the Content-Type sent instead of the right one'),
    share: shareParam,
  },
  acts: { components: ['entry', 'origin', 'backup-origin', 'shield', 'edge'], kinds: KINDS },
  decide(f, facts, effects, hit) {
    if (facts.kind === undefined || !KINDS.includes(facts.kind) || !hit(f.share)) return false;
    effects.headers = { ...effects.headers, 'content-type': f.contentType };
    return true;
  },
});
