/** Reads what the origin needs to know from an init segment: track id, timescale, codec, dimensions. */
import { type Box, child, Mp4Error, parseBoxes, requireChild, view } from './boxes.ts';

export type TrackKind = 'video' | 'audio';

export interface TrackInfo {
  trackId: number;
  kind: TrackKind;
  timescale: number;
  /** RFC 6381 codec string, e.g. `avc1.4d401e` or `mp4a.40.2`. */
  codec: string;
  /** Sample entry type as written (`avc1`, `mp4a`, or `encv`/`enca` when encrypted). */
  sampleEntry: string;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** Defaults from `trex`, used when a fragment does not carry them. */
  defaults: { sampleDuration: number; sampleSize: number; sampleFlags: number };
  /** H.264: bytes in each NAL unit length prefix (from avcC). */
  nalLengthSize?: number;
  /** Default KID from `tenc` when the track is encrypted. */
  defaultKid?: Uint8Array;
  /** Per-sample IV size from `tenc` when the track is encrypted (8 or 16). */
  perSampleIvSize?: number;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** Reads every track of an init segment (ours have one each). */
export function readInitTracks(init: Uint8Array): TrackInfo[] {
  const moov = parseBoxes(init).find((b) => b.type === 'moov');
  if (!moov) throw new Mp4Error('not an init segment: no moov box');
  const traks = (moov.children ?? []).filter((b) => b.type === 'trak');
  const trexes = (child(moov, 'mvex')?.children ?? []).filter((b) => b.type === 'trex');
  return traks.map((trak) => readTrack(trak, trexes));
}

/** The single track of an init segment; throws a clear error when there is not exactly one. */
export function readInitInfo(init: Uint8Array): TrackInfo {
  const tracks = readInitTracks(init);
  if (tracks.length !== 1) throw new Mp4Error(`expected one track in init segment, found ${tracks.length}`);
  return tracks[0]!;
}

function readTrack(trak: Box, trexes: Box[]): TrackInfo {
  const tkhd = requireChild(trak, 'tkhd').data;
  const trackId = view(tkhd).getUint32(tkhd[0] === 1 ? 20 : 12);

  const mdhd = requireChild(trak, 'mdia', 'mdhd').data;
  const timescale = view(mdhd).getUint32(mdhd[0] === 1 ? 20 : 12);

  const hdlr = requireChild(trak, 'mdia', 'hdlr').data;
  const handler = String.fromCharCode(...hdlr.subarray(8, 12));
  if (handler !== 'vide' && handler !== 'soun') throw new Mp4Error(`unsupported track handler '${handler}'`);
  const kind: TrackKind = handler === 'vide' ? 'video' : 'audio';

  const stsd = requireChild(trak, 'mdia', 'minf', 'stbl', 'stsd');
  const entry = stsd.children?.[0];
  if (!entry) throw new Mp4Error('stsd has no sample entry');

  const trex = trexes.find((t) => view(t.data).getUint32(4) === trackId);
  const defaults = trex
    ? {
        sampleDuration: view(trex.data).getUint32(12),
        sampleSize: view(trex.data).getUint32(16),
        sampleFlags: view(trex.data).getUint32(20),
      }
    : { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 };

  const sinf = child(entry, 'sinf');
  const format = sinf ? String.fromCharCode(...requireChild(sinf, 'frma').data.subarray(0, 4)) : entry.type;
  const tenc = sinf ? child(sinf, 'schi', 'tenc') : undefined;
  const info: TrackInfo = { trackId, kind, timescale, codec: '', sampleEntry: entry.type, defaults };
  if (tenc) {
    // tenc: version/flags, reserved, reserved or pattern, default_isProtected, IV size, KID.
    info.perSampleIvSize = tenc.data[7]!;
    info.defaultKid = tenc.data.slice(8, 24);
  }

  const dv = view(entry.data);
  if (kind === 'video') {
    info.width = dv.getUint16(24);
    info.height = dv.getUint16(26);
    info.codec = videoCodec(format, entry);
    info.nalLengthSize = (requireChild(entry, 'avcC').data[4]! & 0x3) + 1;
  } else {
    info.sampleRate = dv.getUint32(24) >>> 16;
    const audio = audioConfig(format, entry);
    info.codec = audio.codec;
    // The sample entry's channelcount is often a fixed 2; the AudioSpecificConfig has the real layout.
    info.channels = audio.channels ?? dv.getUint16(16);
  }
  return info;
}

function videoCodec(format: string, entry: Box): string {
  if (format !== 'avc1' && format !== 'avc3') throw new Mp4Error(`unsupported video format '${format}'`);
  const avcC = requireChild(entry, 'avcC').data;
  // AVCDecoderConfigurationRecord: version, profile, profile compatibility, level.
  return `${format}.${hex2(avcC[1]!)}${hex2(avcC[2]!)}${hex2(avcC[3]!)}`;
}

function audioConfig(format: string, entry: Box): { codec: string; channels?: number } {
  if (format !== 'mp4a') throw new Mp4Error(`unsupported audio format '${format}'`);
  const esds = requireChild(entry, 'esds').data;
  // Walk the descriptors: ES_Descriptor (3) > DecoderConfigDescriptor (4) > DecoderSpecificInfo (5).
  let at = 4; // version + flags
  let objectType: number | undefined;
  while (at < esds.length) {
    const tag = esds[at++]!;
    let len = 0;
    for (let i = 0; i < 4; i++) {
      const b = esds[at++]!;
      len = (len << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag === 3) {
      const flags = esds[at + 2]!;
      at += 3;
      if (flags & 0x80) at += 2; // dependsOn_ES_ID
      if (flags & 0x40) at += 1 + esds[at]!; // URL
      if (flags & 0x20) at += 2; // OCR_ES_Id
    } else if (tag === 4) {
      objectType = esds[at]!;
      at += 13;
    } else if (tag === 5) {
      if (objectType === undefined) break;
      // AudioSpecificConfig: audioObjectType (5 bits), samplingFrequencyIndex (4), channelConfiguration (4).
      const bits = (esds[at]! << 16) | (esds[at + 1]! << 8) | (esds[at + 2] ?? 0);
      let aot = bits >> 19;
      let pos = 19;
      if (aot === 31) {
        aot = 32 + ((bits >> 13) & 0x3f);
        pos = 13;
      }
      const freqIndex = (bits >> (pos - 4)) & 0xf;
      const channelConfig = freqIndex === 15 ? 0 : (bits >> (pos - 8)) & 0xf;
      const codec = `mp4a.${objectType.toString(16)}.${aot}`;
      return channelConfig >= 1 && channelConfig <= 6 ? { codec, channels: channelConfig } : { codec };
    } else {
      at += len;
    }
  }
  if (objectType !== undefined) return { codec: `mp4a.${objectType.toString(16)}` };
  throw new Mp4Error('esds has no decoder configuration');
}
