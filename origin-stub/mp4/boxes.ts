/**
 * Minimal ISO-BMFF (MP4) box reading and writing.
 *
 * Written by hand on purpose: the origin stub rewrites live segments on every request (shift `tfdt`,
 * add `senc`/`saiz`/`saio`, fix `trun` data offsets) and must leave every other byte exactly as ffmpeg
 * wrote it. MP4 parsing libraries (mp4box.js, mux.js, ...) parse into their own object model and either
 * cannot write back or re-serialise the whole file their way; we need byte-exact, in-place edits of a
 * few fields. Parsing an unmodified buffer with {@link parseBoxes} and writing it back with
 * {@link serializeBoxes} yields the identical bytes.
 */

export class Mp4Error extends Error {
  override name = 'Mp4Error';
}

/** One box header found in a buffer. Offsets are absolute positions in that buffer. */
export interface BoxRef {
  type: string;
  /** Offset of the first header byte. */
  start: number;
  /** Total size including the header. */
  size: number;
  headerSize: number;
  /** Offset just past the box. */
  end: number;
  /** Offset of the first payload byte (after the header). */
  payloadStart: number;
}

export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads the box header at `start`; `limit` is the end of the enclosing range. */
export function readBoxHeader(bytes: Uint8Array, start: number, limit = bytes.length): BoxRef {
  if (start + 8 > limit) throw new Mp4Error(`truncated box header at offset ${start}`);
  const dv = view(bytes);
  let size = dv.getUint32(start);
  const type = fourcc(bytes, start + 4);
  let headerSize = 8;
  if (size === 1) {
    if (start + 16 > limit) throw new Mp4Error(`truncated large box header '${type}' at offset ${start}`);
    size = Number(dv.getBigUint64(start + 8));
    headerSize = 16;
  } else if (size === 0) {
    size = limit - start; // box extends to the end of its container
  }
  if (size < headerSize || start + size > limit) {
    throw new Mp4Error(`box '${type}' at offset ${start} has invalid size ${size}`);
  }
  return { type, start, size, headerSize, end: start + size, payloadStart: start + headerSize };
}

/** The boxes directly inside [start, end). */
export function* iterateBoxes(bytes: Uint8Array, start = 0, end = bytes.length): Generator<BoxRef> {
  let at = start;
  while (at < end) {
    const box = readBoxHeader(bytes, at, end);
    yield box;
    at = box.end;
  }
}

/**
 * Bytes between a container's header and its first child box. Full boxes such as `stsd` carry a
 * version/flags word and an entry count; sample entries carry fixed fields before their child boxes.
 */
function childrenOffset(type: string, bytes: Uint8Array, payloadStart: number): number | undefined {
  switch (type) {
    case 'moov':
    case 'trak':
    case 'mdia':
    case 'minf':
    case 'stbl':
    case 'dinf':
    case 'edts':
    case 'mvex':
    case 'moof':
    case 'traf':
    case 'mfra':
    case 'sinf':
    case 'schi':
      return 0;
    case 'stsd':
      return 8;
    case 'avc1':
    case 'avc3':
    case 'encv':
      return 78; // VisualSampleEntry fields
    case 'mp4a':
    case 'enca': {
      // AudioSampleEntry: 28 bytes for version 0, QuickTime sound versions 1 and 2 add 16 / 36 bytes.
      const version = view(bytes).getUint16(payloadStart + 8);
      return version === 1 ? 44 : version === 2 ? 64 : 28;
    }
    default:
      return undefined;
  }
}

/** Path lookup, e.g. `findBox(init, ['moov', 'trak', 'mdia', 'mdhd'])`; first match at each level. */
export function findBox(
  bytes: Uint8Array,
  path: readonly string[],
  start = 0,
  end = bytes.length,
): BoxRef | undefined {
  return findBoxes(bytes, path, start, end)[0];
}

/** Every box matching the path (all matches at every level). */
export function findBoxes(
  bytes: Uint8Array,
  path: readonly string[],
  start = 0,
  end = bytes.length,
): BoxRef[] {
  const [head, ...rest] = path;
  if (head === undefined) return [];
  const found: BoxRef[] = [];
  for (const box of iterateBoxes(bytes, start, end)) {
    if (box.type !== head) continue;
    if (rest.length === 0) {
      found.push(box);
      continue;
    }
    const skip = childrenOffset(box.type, bytes, box.payloadStart);
    if (skip === undefined) throw new Mp4Error(`box '${box.type}' is not a known container`);
    found.push(...findBoxes(bytes, rest, box.payloadStart + skip, box.end));
  }
  return found;
}

/**
 * A box as a mutable tree node. `data` holds the payload of a leaf box, or for a container the bytes
 * between its header and its children (empty for plain containers).
 */
export interface Box {
  type: string;
  data: Uint8Array;
  children?: Box[];
}

/** Parses [start, end) into a tree, descending into known containers. */
export function parseBoxes(bytes: Uint8Array, start = 0, end = bytes.length): Box[] {
  const out: Box[] = [];
  for (const ref of iterateBoxes(bytes, start, end)) {
    if (ref.headerSize !== 8) throw new Mp4Error(`64-bit box sizes are not supported ('${ref.type}')`);
    const skip = childrenOffset(ref.type, bytes, ref.payloadStart);
    if (skip === undefined) {
      out.push({ type: ref.type, data: bytes.subarray(ref.payloadStart, ref.end) });
    } else {
      const childStart = ref.payloadStart + skip;
      out.push({
        type: ref.type,
        data: bytes.subarray(ref.payloadStart, childStart),
        children: parseBoxes(bytes, childStart, ref.end),
      });
    }
  }
  return out;
}

export function boxSize(box: Box): number {
  let size = 8 + box.data.length;
  for (const c of box.children ?? []) size += boxSize(c);
  return size;
}

function writeBox(box: Box, out: Uint8Array, at: number): number {
  const size = boxSize(box);
  if (size > 0xffffffff) throw new Mp4Error(`box '${box.type}' too large`);
  const dv = view(out);
  dv.setUint32(at, size);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = box.type.charCodeAt(i);
  out.set(box.data, at + 8);
  let pos = at + 8 + box.data.length;
  for (const c of box.children ?? []) pos = writeBox(c, out, pos);
  return pos;
}

export function serializeBoxes(boxes: readonly Box[]): Uint8Array {
  const total = boxes.reduce((n, b) => n + boxSize(b), 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of boxes) at = writeBox(b, out, at);
  return out;
}

/** Builds a leaf box from a type and payload parts. */
export function makeBox(type: string, ...parts: Uint8Array[]): Box {
  if (type.length !== 4) throw new Mp4Error(`box type must be 4 characters: '${type}'`);
  return { type, data: concatBytes(parts) };
}

/** Builds a full box (version + 24-bit flags) payload header. */
export function fullBoxHeader(version: number, flags: number): Uint8Array {
  return Uint8Array.of(version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** First child of the given type, searching down the path of types. */
export function child(box: Box, ...path: string[]): Box | undefined {
  let cur: Box | undefined = box;
  for (const type of path) {
    cur = cur?.children?.find((c) => c.type === type);
    if (!cur) return undefined;
  }
  return cur;
}

export function requireChild(box: Box, ...path: string[]): Box {
  const found = child(box, ...path);
  if (!found) throw new Mp4Error(`missing box ${[box.type, ...path].join('/')}`);
  return found;
}

/** Offset of `target` (its first header byte) within the serialised form of `root`, or undefined. */
export function offsetOf(root: Box, target: Box): number | undefined {
  if (root === target) return 0;
  let at = 8 + root.data.length;
  for (const c of root.children ?? []) {
    const inner = offsetOf(c, target);
    if (inner !== undefined) return at + inner;
    at += boxSize(c);
  }
  return undefined;
}
