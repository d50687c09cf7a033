/**
 * Media segment (moof + mdat) helpers: read samples, shift `tfdt`, drop `sidx`, and rewrite a `moof`
 * while keeping `trun` data offsets and `saio` offsets pointing at the same bytes.
 */
import {
  type Box,
  boxSize,
  concatBytes,
  findBoxes,
  iterateBoxes,
  Mp4Error,
  offsetOf,
  parseBoxes,
  serializeBoxes,
  view,
} from './boxes.ts';

export interface SampleDefaults {
  sampleDuration: number;
  sampleSize: number;
  sampleFlags: number;
}

export interface FragmentSample {
  /** Absolute offset of the sample's first byte in the segment buffer. */
  offset: number;
  size: number;
  duration: number;
  flags: number;
  compositionOffset: number;
}

export interface TrackFragment {
  trackId: number;
  baseMediaDecodeTime: number;
  /** Sum of sample durations, in the track timescale. */
  duration: number;
  samples: FragmentSample[];
}

const TFHD_BASE_DATA_OFFSET = 0x1;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x2;
const TFHD_DEFAULT_DURATION = 0x8;
const TFHD_DEFAULT_SIZE = 0x10;
const TFHD_DEFAULT_FLAGS = 0x20;

const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_SAMPLE_FLAGS = 0x4;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_CTO = 0x800;

const flagsOf = (data: Uint8Array): number => (data[1]! << 16) | (data[2]! << 8) | data[3]!;

/** Reads every track fragment of every moof in a segment. */
export function readFragments(segment: Uint8Array, defaults?: SampleDefaults): TrackFragment[] {
  const out: TrackFragment[] = [];
  for (const moof of iterateBoxes(segment)) {
    if (moof.type !== 'moof') continue;
    for (const traf of findBoxes(segment, ['traf'], moof.payloadStart, moof.end)) {
      out.push(readTraf(segment, moof.start, traf.payloadStart, traf.end, defaults));
    }
  }
  if (out.length === 0) throw new Mp4Error('not a media segment: no moof/traf box');
  return out;
}

/** The single track fragment of a segment (ours have exactly one). */
export function readFragment(segment: Uint8Array, defaults?: SampleDefaults): TrackFragment {
  const all = readFragments(segment, defaults);
  if (all.length !== 1) throw new Mp4Error(`expected one track fragment, found ${all.length}`);
  return all[0]!;
}

function readTraf(
  seg: Uint8Array,
  moofStart: number,
  start: number,
  end: number,
  defaults: SampleDefaults | undefined,
): TrackFragment {
  const dv = view(seg);
  const tfhd = findBoxes(seg, ['tfhd'], start, end)[0];
  if (!tfhd) throw new Mp4Error('traf without tfhd');
  const tfhdFlags = flagsOf(seg.subarray(tfhd.payloadStart));
  let p = tfhd.payloadStart + 4;
  const trackId = dv.getUint32(p);
  p += 4;
  // Data offsets count from the moof (default-base-is-moof, and for the first traf without it too;
  // our segments have one traf per moof) unless tfhd gives an explicit base.
  let base = moofStart;
  if (tfhdFlags & TFHD_BASE_DATA_OFFSET) {
    base = Number(dv.getBigUint64(p));
    p += 8;
  }
  if (tfhdFlags & TFHD_SAMPLE_DESCRIPTION_INDEX) p += 4;
  let defDuration = defaults?.sampleDuration ?? 0;
  let defSize = defaults?.sampleSize ?? 0;
  let defFlags = defaults?.sampleFlags ?? 0;
  if (tfhdFlags & TFHD_DEFAULT_DURATION) {
    defDuration = dv.getUint32(p);
    p += 4;
  }
  if (tfhdFlags & TFHD_DEFAULT_SIZE) {
    defSize = dv.getUint32(p);
    p += 4;
  }
  if (tfhdFlags & TFHD_DEFAULT_FLAGS) defFlags = dv.getUint32(p);

  const tfdt = findBoxes(seg, ['tfdt'], start, end)[0];
  const baseMediaDecodeTime = tfdt ? readTfdtValue(seg, tfdt.payloadStart) : 0;

  const samples: FragmentSample[] = [];
  let duration = 0;
  let dataEnd = base;
  for (const trun of findBoxes(seg, ['trun'], start, end)) {
    const tr = seg.subarray(trun.payloadStart, trun.end);
    const version = tr[0]!;
    const f = flagsOf(tr);
    const count = dv.getUint32(trun.payloadStart + 4);
    let q = trun.payloadStart + 8;
    let offset = dataEnd;
    if (f & TRUN_DATA_OFFSET) {
      offset = base + dv.getInt32(q);
      q += 4;
    }
    let firstFlags: number | undefined;
    if (f & TRUN_FIRST_SAMPLE_FLAGS) {
      firstFlags = dv.getUint32(q);
      q += 4;
    }
    for (let i = 0; i < count; i++) {
      const s: FragmentSample = {
        offset,
        size: defSize,
        duration: defDuration,
        flags: defFlags,
        compositionOffset: 0,
      };
      if (f & TRUN_DURATION) {
        s.duration = dv.getUint32(q);
        q += 4;
      }
      if (f & TRUN_SIZE) {
        s.size = dv.getUint32(q);
        q += 4;
      }
      if (f & TRUN_FLAGS) {
        s.flags = dv.getUint32(q);
        q += 4;
      } else if (i === 0 && firstFlags !== undefined) {
        s.flags = firstFlags;
      }
      if (f & TRUN_CTO) {
        s.compositionOffset = version === 0 ? dv.getUint32(q) : dv.getInt32(q);
        q += 4;
      }
      if (s.offset + s.size > seg.length) throw new Mp4Error('sample data runs past the end of the segment');
      offset += s.size;
      duration += s.duration;
      samples.push(s);
    }
    dataEnd = offset;
  }
  return { trackId, baseMediaDecodeTime, duration, samples };
}

function readTfdtValue(seg: Uint8Array, payloadStart: number): number {
  const dv = view(seg);
  if (seg[payloadStart] === 1) {
    const v = dv.getBigUint64(payloadStart + 4);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Mp4Error('tfdt value beyond 2^53 is not supported');
    return Number(v);
  }
  return dv.getUint32(payloadStart + 4);
}

/** Base media decode time of the first track fragment. */
export function readTfdt(segment: Uint8Array): number {
  const tfdt = findBoxes(segment, ['moof', 'traf', 'tfdt'])[0];
  if (!tfdt) throw new Mp4Error('segment has no tfdt box');
  return readTfdtValue(segment, tfdt.payloadStart);
}

/**
 * Returns a copy of `segment` with every `tfdt` base media decode time increased by `offset`
 * (timescale units, may be negative). Edits in place when the value fits the box's version; when a
 * version 0 box overflows 32 bits it is upgraded to version 1 and the moof is rebuilt around it.
 */
export function shiftTfdt(segment: Uint8Array, offset: number): Uint8Array {
  if (!Number.isSafeInteger(offset)) throw new Mp4Error(`tfdt offset must be an integer, got ${offset}`);
  const out = segment.slice();
  if (offset === 0) return out;
  const dv = view(out);
  let needsUpgrade = false;
  for (const tfdt of findBoxes(out, ['moof', 'traf', 'tfdt'])) {
    const value = readTfdtValue(out, tfdt.payloadStart) + offset;
    if (value < 0) throw new Mp4Error(`shifted tfdt would be negative (${value})`);
    if (out[tfdt.payloadStart] === 1) dv.setBigUint64(tfdt.payloadStart + 4, BigInt(value));
    else if (value <= 0xffffffff) dv.setUint32(tfdt.payloadStart + 4, value);
    else needsUpgrade = true;
  }
  if (!needsUpgrade) return out;
  // Slow path: start again from the original bytes and rebuild the moofs with 64-bit tfdt boxes.
  return rewriteMoofs(segment, (moof) => {
    for (const traf of moof.children ?? []) {
      if (traf.type !== 'traf') continue;
      for (const box of traf.children ?? []) {
        if (box.type !== 'tfdt') continue;
        const value = readTfdtValue(box.data, 0) + offset;
        box.data = tfdtPayload(value);
      }
    }
  });
}

/** tfdt payload (version, flags, time): version 0 when the value fits 32 bits, else version 1. */
export function tfdtPayload(value: number): Uint8Array {
  const big = value > 0xffffffff;
  const data = new Uint8Array(big ? 12 : 8);
  data[0] = big ? 1 : 0;
  if (big) view(data).setBigUint64(4, BigInt(value));
  else view(data).setUint32(4, value);
  return data;
}

/** Removes top-level `sidx` boxes (their offsets would be wrong once a segment is rewritten). */
export function dropSidx(segment: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [];
  for (const box of iterateBoxes(segment)) {
    if (box.type !== 'sidx') keep.push(segment.subarray(box.start, box.end));
  }
  return concatBytes(keep);
}

/**
 * Lets `mutate` edit each moof as a tree, then writes the segment back and fixes what moved:
 * `trun` data offsets grow by the change in moof size (the mdat follows the moof), and `saio`
 * offsets are re-pointed at the sample auxiliary data inside the `senc` of the same traf.
 * Top-level boxes other than moof are copied unchanged.
 */
export function rewriteMoofs(segment: Uint8Array, mutate: (moof: Box) => void): Uint8Array {
  const top = parseTopLevel(segment);
  for (const box of top) {
    if (box.type !== 'moof') continue;
    const before = boxSize(box);
    const beforeSaio = saioOffsets(box);
    mutate(box);
    const delta = boxSize(box) - before;
    for (const traf of box.children ?? []) {
      if (traf.type !== 'traf') continue;
      const tfhd = traf.children?.find((c) => c.type === 'tfhd');
      if (tfhd && flagsOf(tfhd.data) & TFHD_BASE_DATA_OFFSET && delta !== 0) {
        throw new Mp4Error('cannot rewrite a moof whose tfhd has an explicit base data offset');
      }
      for (const trun of traf.children ?? []) {
        if (trun.type !== 'trun' || !(flagsOf(trun.data) & TRUN_DATA_OFFSET)) continue;
        const data = trun.data.slice();
        view(data).setInt32(8, view(data).getInt32(8) + delta);
        trun.data = data;
      }
      fixSaio(box, traf, beforeSaio.get(traf), delta);
    }
  }
  return serializeBoxes(top);
}

/** Top level as a tree, but mdat and other non-moof boxes stay opaque (no descent). */
function parseTopLevel(segment: Uint8Array): Box[] {
  const out: Box[] = [];
  for (const ref of iterateBoxes(segment)) {
    if (ref.type === 'moof') out.push(...parseBoxes(segment, ref.start, ref.end));
    else {
      if (ref.headerSize !== 8) throw new Mp4Error(`64-bit box sizes are not supported ('${ref.type}')`);
      out.push({ type: ref.type, data: segment.subarray(ref.payloadStart, ref.end) });
    }
  }
  return out;
}

function saioOffsets(moof: Box): Map<Box, number> {
  const map = new Map<Box, number>();
  for (const traf of moof.children ?? []) {
    const saio = traf.children?.find((c) => c.type === 'saio');
    if (saio) map.set(traf, readSaioOffset(saio.data));
  }
  return map;
}

function readSaioOffset(data: Uint8Array): number {
  const hasType = flagsOf(data) & 1;
  const at = 4 + (hasType ? 8 : 0) + 4; // skip aux type fields and entry_count
  return data[0] === 1 ? Number(view(data).getBigUint64(at)) : view(data).getUint32(at);
}

function fixSaio(moof: Box, traf: Box, before: number | undefined, delta: number): void {
  const saio = traf.children?.find((c) => c.type === 'saio');
  if (!saio) return;
  const senc = traf.children?.find((c) => c.type === 'senc');
  let offset: number;
  if (senc) {
    offset = offsetOf(moof, senc)! + 8 + 8; // box header, version/flags, sample_count
  } else if (before !== undefined) {
    const moofSize = boxSize(moof);
    offset = before >= moofSize - delta ? before + delta : before;
  } else {
    return;
  }
  const data = saio.data.slice();
  const at = 4 + (flagsOf(data) & 1 ? 8 : 0) + 4;
  if (data[0] === 1) view(data).setBigUint64(at, BigInt(offset));
  else view(data).setUint32(at, offset);
  saio.data = data;
}
