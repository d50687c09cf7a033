/**
 * The live packager/origin, as a fastify plugin. URL layout (basePath defaults to `/live`):
 *
 *   GET <basePath>/time                                            ISO 8601 clock time (DASH UTCTiming)
 *   GET <basePath>/<channel>/<variant>/master.m3u8                 HLS multivariant playlist
 *   GET <basePath>/<channel>/<variant>/<rendition>/media.m3u8      HLS media playlist (sliding window)
 *   GET <basePath>/<channel>/<variant>/manifest.mpd                DASH dynamic MPD
 *   GET <basePath>/<channel>/<variant>/<rendition>/init.mp4        init segment
 *   GET <basePath>/<channel>/<variant>/<rendition>/<n>.m4s         live segment n (n >= 0)
 *
 * variant is `clear` or `enc` (CENC, keys from the ClearKey licence server); rendition ids come from
 * media.json (`216p`, `360p`, `432p`, `audio`). Segment n is available once the clock passes its end
 * and until one window after it leaves the playlist; otherwise 404. All times come from the Clock.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import type { ChannelMedia, RenditionMedia } from '../media/description.ts';
import type { LiveChannel } from './channels.ts';
import { renderMpd } from './dash.ts';
import { renderMediaPlaylist, renderMultivariantPlaylist } from './hls.ts';
import { liveSegmentBytes } from './live-segment.ts';
import type { ManifestOptions } from './manifest-options.ts';
import { type LiveTiming, segmentState } from './timeline.ts';

export type Variant = 'clear' | 'enc';
export const VARIANTS: readonly Variant[] = ['clear', 'enc'];

/** Faults a later layer can switch on per channel and variant; read on every request. */
export interface LiveFaults {
  /** Manifests stop advancing at this clock time. */
  frozenAtMs?: number;
  /** Segment numbers lost by the packager: EXT-X-GAP in HLS, 404 on fetch. */
  isGap?: (n: number) => boolean;
  /** A/V drift: extra ms added to the tfdt of audio segment n (video untouched). */
  audioOffsetMs?: (n: number) => number;
}

export interface LiveOriginOptions {
  clock: Clock;
  channels: readonly LiveChannel[];
  /** Media time 0 (ms since the epoch). Default: the clock's current second minus one minute, so the window is full. */
  availabilityStartTimeMs?: number;
  /** Segments per playlist window, default 10 (20 s). */
  windowSegments?: number;
  /** Path prefix, default `/live`. */
  basePath?: string;
  faults?: (channel: string, variant: Variant) => LiveFaults | undefined;
  /**
   * Per-segment override, read for every segment request: a feature flag whose ad creative breaks
   * playback on one device class corrupts the segments of its ad breaks for that class. The
   * device class comes from the `x-sd-device-class` header the CDN forwards.
   */
  segmentOverride?: (ctx: SegmentContext) => SegmentOverride | undefined;
}

export interface SegmentContext {
  channel: string;
  variant: Variant;
  rendition: string;
  kind: 'video' | 'audio';
  n: number;
  deviceClass?: string;
}

export interface SegmentOverride {
  /** Serve the segment with its media data overwritten, so the decoder fails on it. */
  corrupt?: boolean;
  /** A Vary header to send (e.g. `X-SD-Device-Class`), so caches keep per-class copies. */
  vary?: string;
}

/** Overwrites every mdat payload with 0xFF: box structure intact, samples undecodable. */
function corruptMedia(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  let pos = 0;
  while (pos + 8 <= out.length) {
    const size = out.readUInt32BE(pos);
    const type = out.toString('latin1', pos + 4, pos + 8);
    if (size < 8) break;
    if (type === 'mdat') out.fill(0xff, pos + 8, Math.min(out.length, pos + size));
    pos += size;
  }
  return out;
}

export interface LiveOrigin {
  plugin: (app: FastifyInstance) => Promise<void>;
  timing: LiveTiming;
  basePath: string;
}

export const CACHE_MANIFEST = 'public, max-age=1';
export const CACHE_SEGMENT = 'public, max-age=86400';
export const CACHE_MISSING = 'no-cache';

const SEGMENT_RE = /^(\d{1,15})\.m4s$/;

export function createLiveOrigin(opts: LiveOriginOptions): LiveOrigin {
  const { clock } = opts;
  const basePath = (opts.basePath ?? '/live').replace(/\/+$/, '');
  const windowSegments = opts.windowSegments ?? 10;
  if (!Number.isInteger(windowSegments) || windowSegments < 1) {
    throw new Error(`windowSegments must be a positive integer, got ${opts.windowSegments}`);
  }
  const timing: LiveTiming = {
    availabilityStartTimeMs: opts.availabilityStartTimeMs ?? Math.floor(clock.now() / 1000) * 1000 - 60_000,
    windowSegments,
  };
  const byName = new Map(opts.channels.map((c) => [c.name, c]));
  const channelList = [...byName.keys()].join(', ');

  const notFound = (reply: FastifyReply, message: string) =>
    reply.code(404).header('cache-control', CACHE_MISSING).type('application/json').send({ error: message });

  type Resolved = {
    channel: LiveChannel;
    media: ChannelMedia;
    variant: Variant;
    options: ManifestOptions;
    faults: LiveFaults;
  };
  const resolve = (reply: FastifyReply, channelName: string, variantName: string): Resolved | undefined => {
    const channel = byName.get(channelName);
    if (!channel) {
      notFound(reply, `unknown channel '${channelName}' (channels: ${channelList})`);
      return undefined;
    }
    if (variantName !== 'clear' && variantName !== 'enc') {
      notFound(reply, `unknown variant '${variantName}' (variants: clear, enc)`);
      return undefined;
    }
    const variant: Variant = variantName;
    const faults = opts.faults?.(channel.name, variant) ?? {};
    const options: ManifestOptions = { ...timing };
    if (faults.frozenAtMs !== undefined) options.frozenAtMs = faults.frozenAtMs;
    if (faults.isGap) options.isGap = faults.isGap;
    if (variant === 'enc') options.encryption = { kid: channel.key.kid };
    return {
      channel,
      media: variant === 'enc' ? channel.encrypted : channel.clear,
      variant,
      options,
      faults,
    };
  };

  const rendition = (reply: FastifyReply, r: Resolved, id: string): RenditionMedia | undefined => {
    const found = r.media.renditions.find((x) => x.description.id === id);
    if (!found) {
      const ids = r.media.renditions.map((x) => x.description.id).join(', ');
      notFound(reply, `unknown rendition '${id}' (renditions: ${ids})`);
    }
    return found;
  };

  const plugin = async (app: FastifyInstance): Promise<void> => {
    app.addHook('onSend', async (_req, reply) => {
      reply.header('access-control-allow-origin', '*');
    });

    app.get(`${basePath}/time`, async (_req, reply) =>
      reply.header('cache-control', 'no-store').type('text/plain').send(new Date(clock.now()).toISOString()),
    );

    type VariantParams = { channel: string; variant: string };
    type RenditionParams = VariantParams & { rendition: string };

    app.get<{ Params: VariantParams }>(`${basePath}/:channel/:variant/master.m3u8`, async (req, reply) => {
      const r = resolve(reply, req.params.channel, req.params.variant);
      if (!r) return reply;
      return reply
        .header('cache-control', CACHE_MANIFEST)
        .type('application/vnd.apple.mpegurl')
        .send(renderMultivariantPlaylist(r.media.description));
    });

    app.get<{ Params: VariantParams }>(`${basePath}/:channel/:variant/manifest.mpd`, async (req, reply) => {
      const r = resolve(reply, req.params.channel, req.params.variant);
      if (!r) return reply;
      const mpd = renderMpd(r.media.description, clock.now(), {
        ...r.options,
        utcTimingUrl: `${basePath}/time`,
      });
      return reply.header('cache-control', CACHE_MANIFEST).type('application/dash+xml').send(mpd);
    });

    app.get<{ Params: RenditionParams }>(
      `${basePath}/:channel/:variant/:rendition/media.m3u8`,
      async (req, reply) => {
        const r = resolve(reply, req.params.channel, req.params.variant);
        if (!r || !rendition(reply, r, req.params.rendition)) return reply;
        const text = renderMediaPlaylist(r.media.description, req.params.rendition, clock.now(), r.options);
        return reply.header('cache-control', CACHE_MANIFEST).type('application/vnd.apple.mpegurl').send(text);
      },
    );

    app.get<{ Params: RenditionParams }>(
      `${basePath}/:channel/:variant/:rendition/init.mp4`,
      async (req, reply) => {
        const r = resolve(reply, req.params.channel, req.params.variant);
        const rend = r && rendition(reply, r, req.params.rendition);
        if (!rend) return reply;
        return reply
          .header('cache-control', CACHE_SEGMENT)
          .type(`${rend.description.kind}/mp4`)
          .send(Buffer.from(rend.init.buffer, rend.init.byteOffset, rend.init.byteLength));
      },
    );

    app.get<{ Params: RenditionParams & { segment: string } }>(
      `${basePath}/:channel/:variant/:rendition/:segment`,
      async (req, reply) => {
        const match = SEGMENT_RE.exec(req.params.segment);
        if (!match) return notFound(reply, `not a segment name: '${req.params.segment}' (expected <n>.m4s)`);
        const r = resolve(reply, req.params.channel, req.params.variant);
        const rend = r && rendition(reply, r, req.params.rendition);
        if (!r || !rend) return reply;
        const n = Number(match[1]);
        const state = segmentState(rend.description, timing, clock.now(), n);
        if (state !== 'available')
          return notFound(reply, `segment ${n} is ${state === 'future' ? 'not available yet' : 'expired'}`);
        if (r.faults.isGap?.(n)) return notFound(reply, `segment ${n} is missing (gap)`);
        const d = rend.description;
        const extraTicks = d.kind === 'audio' ? ((r.faults.audioOffsetMs?.(n) ?? 0) * d.timescale) / 1000 : 0;
        const bytes = liveSegmentBytes(rend, n, extraTicks);
        const deviceClass = req.headers['x-sd-device-class'];
        const override = opts.segmentOverride?.({
          channel: r.channel.name,
          variant: r.variant,
          rendition: d.id,
          kind: d.kind,
          n,
          deviceClass: typeof deviceClass === 'string' ? deviceClass : undefined,
        });
        if (override?.vary) reply.header('vary', override.vary);
        const body = override?.corrupt
          ? corruptMedia(bytes)
          : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return reply.header('cache-control', CACHE_SEGMENT).type(`${d.kind}/mp4`).send(body);
      },
    );
  };

  return { plugin, timing, basePath };
}
