/** Prepares channels for the live origin: the clear loop plus its CENC twin, and the keys for the licence server. */
import { encryptChannel } from '../drm/cenc.ts';
import { type ContentKey, deriveChannelKey, KeyStore } from '../drm/keys.ts';
import type { ChannelMedia } from '../media/description.ts';

export interface LiveChannel {
  name: string;
  clear: ChannelMedia;
  encrypted: ChannelMedia;
  key: ContentKey;
}

export interface PreparedChannels {
  channels: LiveChannel[];
  keys: KeyStore;
  /** Time spent encrypting, ms (measured with performance.now: a CPU cost, not drill time). */
  encryptMs: number;
}

/** Encrypts every channel in memory with its derived key (`secret` defaults to the dev secret). */
export function prepareLiveChannels(media: readonly ChannelMedia[], secret?: string): PreparedChannels {
  const started = performance.now();
  const channels = media.map((clear) => {
    const key = deriveChannelKey(clear.description.channel, secret);
    return { name: clear.description.channel, clear, encrypted: encryptChannel(clear, key), key };
  });
  return {
    channels,
    keys: new KeyStore(channels.map((c) => c.key)),
    encryptMs: performance.now() - started,
  };
}
