/**
 * Our own CENC packaging ('cenc' scheme, AES-128-CTR), done in memory from the clear loop.
 *
 * ffmpeg's `cenc-aes-ctr` output does not play in Chromium (no per-fragment sample encryption boxes,
 * no pssh), so we do it ourselves, in the layout Chromium, hls.js and Shaka accept:
 * - init: sample entry avc1/mp4a becomes encv/enca with a `sinf` (frma, schm 'cenc', tenc with the
 *   KID and an 8-byte per-sample IV size); a W3C common `pssh` (version 1, KID list) in moov.
 * - fragments: samples encrypted in place (same sizes); `senc` + `saiz` + `saio` added to the traf;
 *   `trun` data offset moved by the growth of the moof; `sidx` dropped.
 * - video is subsample-encrypted: NAL length prefixes, NAL headers and non-VCL NAL units (SPS, PPS,
 *   SEI) stay clear, and the protected part of each slice is a whole number of 16-byte blocks (the
 *   remainder stays clear at the front), as CENC recommends for AVC. Audio samples are encrypted whole.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { ChannelMedia, RenditionMedia } from '../media/description.ts';
import {
  type Box,
  concatBytes,
  fullBoxHeader,
  Mp4Error,
  makeBox,
  parseBoxes,
  requireChild,
  serializeBoxes,
  view,
} from '../mp4/boxes.ts';
import { dropSidx, type FragmentSample, readFragment, rewriteMoofs } from '../mp4/fragment.ts';
import { readInitInfo, type TrackInfo } from '../mp4/init.ts';
import type { ContentKey } from './keys.ts';

/** W3C "common" PSSH system id, used by ClearKey. */
export const COMMON_SYSTEM_ID = '1077efecc0b24d02ace33c1e52e2fb4b';
/** DASH ContentProtection scheme for ClearKey. */
export const CLEARKEY_DASH_SCHEME = 'urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e';

const IV_SIZE = 8;
const MAX_CLEAR = 0xffff;

export interface Subsample {
  clear: number;
  encrypted: number;
}

const u16 = (n: number): Uint8Array => {
  const b = new Uint8Array(2);
  view(b).setUint16(0, n);
  return b;
};
const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  view(b).setUint32(0, n);
  return b;
};
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function checkKey(bytes: Uint8Array, what: string): void {
  if (bytes.length !== 16) throw new Mp4Error(`${what} must be 16 bytes, got ${bytes.length}`);
}

/** The W3C common-format pssh box (version 1, KID list, no data). */
export function makePssh(kids: readonly Uint8Array[]): Box {
  for (const k of kids) checkKey(k, 'KID');
  return makeBox(
    'pssh',
    fullBoxHeader(1, 0),
    Buffer.from(COMMON_SYSTEM_ID, 'hex'),
    u32(kids.length),
    ...kids,
    u32(0),
  );
}

/** Turns a clear init segment into its encrypted twin (encv/enca + sinf, pssh). */
export function encryptInit(init: Uint8Array, kid: Uint8Array): Uint8Array {
  checkKey(kid, 'KID');
  const boxes = parseBoxes(init);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) throw new Mp4Error('not an init segment: no moov box');
  for (const trak of moov.children ?? []) {
    if (trak.type !== 'trak') continue;
    const stsd = requireChild(trak, 'mdia', 'minf', 'stbl', 'stsd');
    for (const entry of stsd.children ?? []) {
      const original = entry.type;
      if (original === 'avc1' || original === 'avc3') entry.type = 'encv';
      else if (original === 'mp4a') entry.type = 'enca';
      else throw new Mp4Error(`cannot encrypt sample entry '${original}'`);
      const tenc = makeBox('tenc', fullBoxHeader(0, 0), Uint8Array.of(0, 0, 1, IV_SIZE), kid);
      const sinf: Box = {
        type: 'sinf',
        data: new Uint8Array(0),
        children: [
          makeBox('frma', ascii(original)),
          makeBox('schm', fullBoxHeader(0, 0), ascii('cenc'), u32(0x00010000)),
          { type: 'schi', data: new Uint8Array(0), children: [tenc] },
        ],
      };
      entry.children = [...(entry.children ?? []), sinf];
    }
  }
  moov.children = [...(moov.children ?? []), makePssh([kid])];
  return serializeBoxes(boxes);
}

/**
 * Subsample map for one AVC sample: clear NAL length + header (and the remainder that makes the
 * protected part a multiple of 16 bytes), whole non-VCL NAL units clear.
 */
export function avcSubsamples(sample: Uint8Array, nalLengthSize: number): Subsample[] {
  const out: Subsample[] = [];
  let pendingClear = 0;
  const flushClear = (encrypted: number): void => {
    while (pendingClear > MAX_CLEAR) {
      out.push({ clear: MAX_CLEAR, encrypted: 0 });
      pendingClear -= MAX_CLEAR;
    }
    out.push({ clear: pendingClear, encrypted });
    pendingClear = 0;
  };
  let at = 0;
  while (at < sample.length) {
    if (at + nalLengthSize + 1 > sample.length) throw new Mp4Error('truncated NAL unit in video sample');
    let size = 0;
    for (let i = 0; i < nalLengthSize; i++) size = size * 256 + sample[at + i]!;
    if (size < 1 || at + nalLengthSize + size > sample.length) throw new Mp4Error('bad NAL unit length');
    const nalType = sample[at + nalLengthSize]! & 0x1f;
    const isVcl = nalType >= 1 && nalType <= 5;
    const body = size - 1;
    const encrypted = isVcl ? body - (body % 16) : 0;
    pendingClear += nalLengthSize + size - encrypted;
    if (encrypted > 0) flushClear(encrypted);
    at += nalLengthSize + size;
  }
  if (pendingClear > 0) flushClear(0);
  return out;
}

/** The 16-byte AES-CTR counter block for an 8-byte per-sample IV. */
function counterBlock(iv: Uint8Array): Buffer {
  const block = Buffer.alloc(16);
  block.set(iv, 0);
  return block;
}

/** Applies AES-128-CTR to the protected ranges of one sample, in place (CTR is its own inverse). */
function ctrInPlace(
  bytes: Uint8Array,
  sample: FragmentSample,
  subsamples: readonly Subsample[] | undefined,
  key: Uint8Array,
  iv: Uint8Array,
  decrypt: boolean,
): void {
  const cipher = decrypt
    ? createDecipheriv('aes-128-ctr', key, counterBlock(iv))
    : createCipheriv('aes-128-ctr', key, counterBlock(iv));
  const ranges: Array<[number, number]> = [];
  if (!subsamples) ranges.push([sample.offset, sample.size]);
  else {
    let at = sample.offset;
    for (const s of subsamples) {
      at += s.clear;
      if (s.encrypted > 0) ranges.push([at, s.encrypted]);
      at += s.encrypted;
    }
    if (at !== sample.offset + sample.size) throw new Mp4Error('subsamples do not cover the sample exactly');
  }
  // The counter runs on across the protected ranges of a sample, so feed them through one cipher.
  for (const [start, length] of ranges) {
    const out = cipher.update(bytes.subarray(start, start + length));
    bytes.set(out, start);
  }
}

/** IV for sample `index` of a segment: ivSeed in the high 32 bits, index in the low 32 bits. */
function sampleIv(ivSeed: number, index: number): Uint8Array {
  const iv = new Uint8Array(IV_SIZE);
  view(iv).setUint32(0, ivSeed >>> 0);
  view(iv).setUint32(4, index);
  return iv;
}

/**
 * Encrypts one clear media segment. `track` comes from the clear init segment; `ivSeed` must differ
 * between segments and renditions encrypted with the same key so no IV is used twice.
 */
export function encryptSegment(
  segment: Uint8Array,
  track: TrackInfo,
  key: ContentKey,
  ivSeed: number,
): Uint8Array {
  checkKey(key.key, 'key');
  const clear = dropSidx(segment);
  const frag = readFragment(clear, track.defaults);
  const bytes = clear.slice();
  const useSubsamples = track.kind === 'video';
  const entries: Uint8Array[] = [];
  const infoSizes: number[] = [];
  frag.samples.forEach((sample, index) => {
    const iv = sampleIv(ivSeed, index);
    let subs: Subsample[] | undefined;
    if (useSubsamples) {
      subs = avcSubsamples(
        clear.subarray(sample.offset, sample.offset + sample.size),
        track.nalLengthSize ?? 4,
      );
    }
    ctrInPlace(bytes, sample, subs, key.key, iv, false);
    const entry = subs
      ? concatBytes([iv, u16(subs.length), ...subs.flatMap((s) => [u16(s.clear), u32(s.encrypted)])])
      : iv;
    entries.push(entry);
    infoSizes.push(entry.length);
  });
  if (infoSizes.some((n) => n > 255)) throw new Mp4Error('too many subsamples in one sample');

  const count = frag.samples.length;
  const senc = makeBox('senc', fullBoxHeader(0, useSubsamples ? 0x2 : 0), u32(count), ...entries);
  const uniform = infoSizes.every((n) => n === infoSizes[0]);
  const saiz = makeBox(
    'saiz',
    fullBoxHeader(0, 0),
    Uint8Array.of(uniform ? infoSizes[0]! : 0),
    u32(count),
    uniform ? new Uint8Array(0) : Uint8Array.from(infoSizes),
  );
  // The offset is filled in by rewriteMoofs, which points saio at the senc entries.
  const saio = makeBox('saio', fullBoxHeader(0, 0), u32(1), u32(0));
  return rewriteMoofs(bytes, (moof) => {
    const trafs = (moof.children ?? []).filter((c) => c.type === 'traf');
    if (trafs.length !== 1) throw new Mp4Error(`expected one traf per moof, found ${trafs.length}`);
    const traf = trafs[0]!;
    traf.children = [...(traf.children ?? []), senc, saiz, saio];
  });
}

/** Reads the senc entries of a segment's single traf. */
export function readSenc(
  segment: Uint8Array,
  ivSize = IV_SIZE,
): Array<{ iv: Uint8Array; subsamples?: Subsample[] }> {
  const moof = parseBoxes(segment).find((b) => b.type === 'moof');
  const senc =
    moof && (moof.children ?? []).find((c) => c.type === 'traf')?.children?.find((c) => c.type === 'senc');
  if (!senc) throw new Mp4Error('segment has no senc box');
  const d = senc.data;
  const dv = view(d);
  const hasSubsamples = (d[3]! & 0x2) !== 0;
  const count = dv.getUint32(4);
  const out: Array<{ iv: Uint8Array; subsamples?: Subsample[] }> = [];
  let at = 8;
  for (let i = 0; i < count; i++) {
    const iv = d.slice(at, at + ivSize);
    at += ivSize;
    if (!hasSubsamples) {
      out.push({ iv });
      continue;
    }
    const n = dv.getUint16(at);
    at += 2;
    const subsamples: Subsample[] = [];
    for (let j = 0; j < n; j++) {
      subsamples.push({ clear: dv.getUint16(at), encrypted: dv.getUint32(at + 2) });
      at += 6;
    }
    out.push({ iv, subsamples });
  }
  return out;
}

/**
 * Decrypts the samples of an encrypted segment in place on a copy (boxes are left as they are).
 * For tests and debugging; players do this themselves.
 */
export function decryptSegmentSamples(segment: Uint8Array, track: TrackInfo, key: Uint8Array): Uint8Array {
  checkKey(key, 'key');
  const frag = readFragment(segment, track.defaults);
  const senc = readSenc(segment, track.perSampleIvSize ?? IV_SIZE);
  if (senc.length !== frag.samples.length) throw new Mp4Error('senc sample count differs from trun');
  const out = segment.slice();
  for (const [i, s] of frag.samples.entries())
    ctrInPlace(out, s, senc[i]!.subsamples, key, senc[i]!.iv, true);
  return out;
}

function encryptRendition(
  r: RenditionMedia,
  index: number,
  key: ContentKey,
  loopSeconds: number,
): RenditionMedia {
  const track = readInitInfo(r.init);
  const segments = r.segments.map((seg, i) => encryptSegment(seg, track, key, ((index + 1) << 16) | i));
  const d = r.description;
  // The encryption boxes add a little to each segment: keep sizes and bit rates truthful.
  const peak = Math.max(...segments.map((s, i) => (s.length * 8 * d.timescale) / d.segments[i]!.duration));
  const total = segments.reduce((n, s) => n + s.length, 0);
  return {
    description: {
      ...d,
      bandwidth: Math.ceil(peak),
      averageBandwidth: Math.ceil((total * 8) / loopSeconds),
      segments: d.segments.map((s, i) => ({ ...s, bytes: segments[i]!.length })),
    },
    init: encryptInit(r.init, key.kid),
    segments,
  };
}

/** The encrypted twin of a channel's clear loop: same timing, encrypted bytes, updated sizes. */
export function encryptChannel(media: ChannelMedia, key: ContentKey): ChannelMedia {
  const renditions = media.renditions.map((r, i) =>
    encryptRendition(r, i, key, media.description.loopSeconds),
  );
  return {
    description: { ...media.description, renditions: renditions.map((r) => r.description) },
    renditions,
  };
}
