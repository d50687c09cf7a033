import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_DIR, loadChannelMedia } from '../media/load-media.ts';
import { findBox, view } from '../mp4/boxes.ts';
import { readFragment, readTfdt, shiftTfdt } from '../mp4/fragment.ts';
import { readInitInfo } from '../mp4/init.ts';
import {
  avcSubsamples,
  decryptSegmentSamples,
  encryptChannel,
  encryptInit,
  encryptSegment,
  readSenc,
} from './cenc.ts';
import { deriveChannelKey, kidToUuid } from './keys.ts';

const media = loadChannelMedia(`${DEFAULT_MEDIA_DIR}/news`);
const key = deriveChannelKey('news', 'test-secret');
const byId = (id: string) => media.renditions.find((r) => r.description.id === id)!;

const samples = (seg: Uint8Array): Buffer[] =>
  readFragment(seg).samples.map((s) => Buffer.from(seg.subarray(s.offset, s.offset + s.size)));

describe('keys', () => {
  it('derives deterministic, channel- and secret-specific keys', () => {
    expect(deriveChannelKey('news', 's')).toEqual(deriveChannelKey('news', 's'));
    expect(deriveChannelKey('news', 's').kid).not.toEqual(deriveChannelKey('sport', 's').kid);
    expect(deriveChannelKey('news', 's').key).not.toEqual(deriveChannelKey('news', 't').key);
    expect(kidToUuid(key.kid)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('CENC init', () => {
  it('rewrites sample entries and adds sinf and a common pssh', () => {
    for (const id of ['360p', 'audio']) {
      const clear = byId(id).init;
      const enc = encryptInit(clear, key.kid);
      const clearInfo = readInitInfo(clear);
      const info = readInitInfo(enc);
      expect(info.sampleEntry).toBe(id === 'audio' ? 'enca' : 'encv');
      expect(info.codec).toBe(clearInfo.codec);
      expect(info.defaultKid).toEqual(key.kid);
      expect(info.perSampleIvSize).toBe(8);
      const pssh = findBox(enc, ['moov', 'pssh'])!;
      expect(Buffer.from(enc.subarray(pssh.payloadStart + 4, pssh.payloadStart + 20)).toString('hex')).toBe(
        '1077efecc0b24d02ace33c1e52e2fb4b',
      );
      expect(view(enc).getUint32(pssh.payloadStart + 20)).toBe(1);
    }
  });
});

describe('CENC fragments', () => {
  it('encrypts video as subsamples and decrypts back to the clear samples', () => {
    const r = byId('432p');
    const track = readInitInfo(r.init);
    const clear = r.segments[2]!;
    const enc = encryptSegment(clear, track, key, 7);
    const encTrack = readInitInfo(encryptInit(r.init, key.kid));

    const clearSamples = samples(clear);
    const encSamples = samples(enc);
    expect(encSamples.map((s) => s.length)).toEqual(clearSamples.map((s) => s.length));
    expect(encSamples.every((s, i) => !s.equals(clearSamples[i]!))).toBe(true);
    // NAL length prefix and header stay clear.
    for (const [i, s] of encSamples.entries()) {
      expect(s.subarray(0, 5).equals(clearSamples[i]!.subarray(0, 5))).toBe(true);
    }

    const senc = readSenc(enc);
    expect(senc).toHaveLength(60);
    senc.forEach((e, i) => {
      const total = e.subsamples!.reduce((n, s) => n + s.clear + s.encrypted, 0);
      expect(total).toBe(clearSamples[i]!.length);
      for (const s of e.subsamples!) expect(s.encrypted % 16).toBe(0);
    });

    // saio points at the first IV inside senc (offsets are relative to the moof).
    const moof = findBox(enc, ['moof'])!;
    const saio = findBox(enc, ['moof', 'traf', 'saio'])!;
    const saioOffset = view(enc).getUint32(saio.payloadStart + 8);
    expect(Buffer.from(enc.subarray(moof.start + saioOffset, moof.start + saioOffset + 8))).toEqual(
      Buffer.from(senc[0]!.iv),
    );

    const decrypted = decryptSegmentSamples(enc, encTrack, key.key);
    expect(samples(decrypted)).toEqual(clearSamples);
  });

  it('encrypts audio whole-sample and decrypts back', () => {
    const r = byId('audio');
    const track = readInitInfo(r.init);
    const clear = r.segments[5]!;
    const enc = encryptSegment(clear, track, key, 9);
    expect(readSenc(enc).every((e) => e.subsamples === undefined)).toBe(true);
    const decrypted = decryptSegmentSamples(enc, { ...track, perSampleIvSize: 8 }, key.key);
    expect(samples(decrypted)).toEqual(samples(clear));
    expect(samples(enc)[0]!.equals(samples(clear)[0]!)).toBe(false);
  });

  it('survives a tfdt upgrade after encryption (saio and data offsets follow)', () => {
    const r = byId('audio');
    const track = readInitInfo(r.init);
    const enc = encryptSegment(r.segments[1]!, track, key, 3);
    const shifted = shiftTfdt(enc, 2 ** 32 * 3);
    expect(readTfdt(shifted)).toBe(readTfdt(enc) + 2 ** 32 * 3);
    const decrypted = decryptSegmentSamples(shifted, { ...track, perSampleIvSize: 8 }, key.key);
    expect(samples(decrypted)).toEqual(samples(r.segments[1]!));
  });

  it('keeps non-VCL NAL units clear', () => {
    // SPS-like NAL (type 7, 20 bytes) then an IDR slice (type 5, 100 bytes).
    const sample = new Uint8Array(4 + 20 + 4 + 100);
    view(sample).setUint32(0, 20);
    sample[4] = 0x67;
    view(sample).setUint32(24, 100);
    sample[28] = 0x65;
    expect(avcSubsamples(sample, 4)).toEqual([{ clear: 4 + 20 + 4 + 1 + 3, encrypted: 96 }]);
  });

  it('encrypts a whole channel in well under a second', () => {
    const t0 = performance.now();
    const enc = encryptChannel(media, key);
    const ms = performance.now() - t0;
    console.log(`encryptChannel(news): ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
    expect(enc.renditions).toHaveLength(media.renditions.length);
    enc.renditions.forEach((r) => {
      for (const [i, s] of r.segments.entries()) expect(s.length).toBe(r.description.segments[i]!.bytes);
    });
  });
});
