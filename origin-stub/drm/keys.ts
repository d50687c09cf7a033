/**
 * Content keys: one deterministic KID/key pair per channel, derived from the channel name and a
 * configurable secret, so every run (and every machine with the same secret) packages identically.
 */
import { createHmac } from 'node:crypto';

export interface ContentKey {
  /** 16-byte key id. */
  kid: Uint8Array;
  /** 16-byte AES-128 key. */
  key: Uint8Array;
}

/** Used when no secret is configured; fine for a loopback drill, not for anything real. */
export const DEFAULT_DRM_SECRET = 'streamdrill-clearkey-dev-secret';

function derive(secret: string, label: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(label).digest().subarray(0, 16));
}

export function deriveChannelKey(channel: string, secret: string = DEFAULT_DRM_SECRET): ContentKey {
  if (!channel) throw new Error('channel name must not be empty');
  if (!secret) throw new Error('DRM secret must not be empty');
  return { kid: derive(secret, `kid:${channel}`), key: derive(secret, `key:${channel}`) };
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Decodes base64url (or plain base64, padded or not); undefined when the input is not base64. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** KID in the 8-4-4-4-12 form used by `cenc:default_KID`. */
export function kidToUuid(kid: Uint8Array): string {
  const h = toHex(kid);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Looks keys up by KID; what the licence server needs. */
export class KeyStore {
  private readonly byKid = new Map<string, ContentKey>();

  constructor(keys: Iterable<ContentKey> = []) {
    for (const k of keys) this.add(k);
  }

  add(key: ContentKey): void {
    this.byKid.set(toHex(key.kid), key);
  }

  get(kid: Uint8Array): ContentKey | undefined {
    return this.byKid.get(toHex(kid));
  }
}
