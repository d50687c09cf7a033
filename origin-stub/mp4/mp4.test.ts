import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_DIR } from '../media/load-media.ts';
import {
  concatBytes,
  findBox,
  iterateBoxes,
  Mp4Error,
  makeBox,
  parseBoxes,
  serializeBoxes,
} from './boxes.ts';
import { dropSidx, readFragment, readTfdt, rewriteMoofs, shiftTfdt, tfdtPayload } from './fragment.ts';
import { readInitInfo } from './init.ts';

const file = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(DEFAULT_MEDIA_DIR, 'news', rel)));
const videoInit = file('360p/init.mp4');
const audioInit = file('audio/init.mp4');
const videoSeg = file('360p/3.m4s');
const audioSeg = file('audio/3.m4s');

/** The sample payloads, in order, so rewrites can be checked for leaving media bytes alone. */
const sampleBytes = (seg: Uint8Array): Uint8Array[] =>
  readFragment(seg).samples.map((s) => seg.subarray(s.offset, s.offset + s.size));

describe('boxes', () => {
  it('iterates top-level boxes', () => {
    expect([...iterateBoxes(videoInit)].map((b) => b.type)).toEqual(['ftyp', 'moov']);
    expect([...iterateBoxes(videoSeg)].map((b) => b.type)).toEqual(['styp', 'moof', 'mdat']);
  });

  it('finds nested boxes through sample entries', () => {
    const avcC = findBox(videoInit, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1', 'avcC']);
    expect(avcC?.type).toBe('avcC');
    expect(findBox(videoInit, ['moov', 'nope'])).toBeUndefined();
  });

  it('parses and re-serialises byte-exactly', () => {
    for (const bytes of [videoInit, audioInit, videoSeg, audioSeg]) {
      expect(Buffer.from(serializeBoxes(parseBoxes(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('gives a clear error for truncated input', () => {
    expect(() => [...iterateBoxes(videoInit.subarray(0, 40))]).toThrow(Mp4Error);
    expect(() => [...iterateBoxes(videoInit.subarray(0, 40))]).toThrow(/invalid size/);
  });
});

describe('init segments', () => {
  it('reads video track info', () => {
    const info = readInitInfo(videoInit);
    expect(info).toMatchObject({
      kind: 'video',
      timescale: 15360,
      width: 640,
      height: 360,
      sampleEntry: 'avc1',
    });
    expect(info.codec).toMatch(/^avc1\.4d40[0-9a-f]{2}$/);
  });

  it('reads audio track info', () => {
    expect(readInitInfo(audioInit)).toMatchObject({
      kind: 'audio',
      timescale: 48000,
      codec: 'mp4a.40.2',
      sampleRate: 48000,
      channels: 1,
    });
  });

  it('rejects a media segment', () => {
    expect(() => readInitInfo(videoSeg)).toThrow(/no moov/);
  });
});

describe('fragments', () => {
  it('reads samples and durations', () => {
    const v = readFragment(videoSeg);
    expect(v.baseMediaDecodeTime).toBe(3 * 30720);
    expect(v.samples).toHaveLength(60);
    expect(v.duration).toBe(30720);
    const a = readFragment(audioSeg);
    expect(a.samples.every((s) => s.duration === 1024)).toBe(true);
  });

  it('shifts tfdt in place when the value fits', () => {
    const shifted = shiftTfdt(videoSeg, 245760 * 5);
    expect(shifted.length).toBe(videoSeg.length);
    expect(readTfdt(shifted)).toBe(3 * 30720 + 245760 * 5);
    const differing = shifted.reduce((n, b, i) => n + (b === videoSeg[i] ? 0 : 1), 0);
    expect(differing).toBeLessThanOrEqual(4);
  });

  it('upgrades a version 0 tfdt to version 1 beyond 32 bits and fixes sizes and data offsets', () => {
    // ffmpeg writes version 1; make a version 0 twin first (what other packagers write).
    const v0 = rewriteMoofs(audioSeg, (moof) => {
      const tfdt = moof.children!.find((c) => c.type === 'traf')!.children!.find((c) => c.type === 'tfdt')!;
      tfdt.data = tfdtPayload(readTfdt(audioSeg));
    });
    expect(v0.length).toBe(audioSeg.length - 4);
    expect(findBox(v0, ['moof', 'traf', 'tfdt'])!.size).toBe(16);
    expect(sampleBytes(v0).map((s) => s.length)).toEqual(sampleBytes(audioSeg).map((s) => s.length));

    const offset = 2 ** 33 + 48000 * 16;
    const shifted = shiftTfdt(v0, offset);
    expect(shifted.length).toBe(v0.length + 4);
    expect(readTfdt(shifted)).toBe(readTfdt(audioSeg) + offset);
    expect(findBox(shifted, ['moof', 'traf', 'tfdt'])!.size).toBe(20);
    const before = sampleBytes(v0);
    const after = sampleBytes(shifted);
    expect(after.length).toBe(before.length);
    for (const [i, s] of after.entries()) expect(Buffer.from(s).equals(Buffer.from(before[i]!))).toBe(true);
    // And back down again: a version 1 box stays version 1 but is edited in place.
    const back = shiftTfdt(shifted, -offset);
    expect(back.length).toBe(shifted.length);
    expect(readTfdt(back)).toBe(readTfdt(audioSeg));
  });

  it('refuses a negative result', () => {
    expect(() => shiftTfdt(videoSeg, -1e9)).toThrow(/negative/);
  });

  it('drops sidx', () => {
    const sidx = serializeBoxes([makeBox('sidx', new Uint8Array(24))]);
    const withSidx = concatBytes([videoSeg.subarray(0, 24), sidx, videoSeg.subarray(24)]);
    const dropped = dropSidx(withSidx);
    expect(Buffer.from(dropped).equals(Buffer.from(videoSeg))).toBe(true);
  });
});
