/**
 * Distinct sessions in the incremental engine: per session and cell the last time it was present
 * (or watching) there (`Track`), and the sessions present in more than one cell (`MultiList`),
 * flattened into typed arrays so a query can de-duplicate them per group without touching the
 * session objects. Sessions that changed cells are rare (pathway changes), so this is small.
 */
import { grow } from './layout.ts';

/** What a presence list needs of a session: its weight and its two tracks (present, watching). */
export interface Tracked {
  readonly w: number;
  readonly tracks: [Track, Track];
}

/** A session's presence (or watching) per cell: the last time it left each cell, open = NaN. */
export class Track {
  cells: number[] = [];
  last: number[] = [];
  open = -1;
  openedAt = Number.NaN;
  /** The closed entry an open() replaced, restored if the segment turns out to be empty. */
  prev = Number.NaN;
  /** Index in its kind's MultiList, or -1. */
  multiIdx = -1;
}

/** Second most recent time in any cell (open = +Inf): a window starting later sees one cell at most. */
export function recent2(tr: Track): number {
  let a = Number.NEGATIVE_INFINITY;
  let b = Number.NEGATIVE_INFINITY;
  for (const l of tr.last) {
    const x = Number.isNaN(l) ? Number.POSITIVE_INFINITY : l;
    if (x > a) {
      b = a;
      a = x;
    } else if (x > b) b = x;
  }
  return b;
}

/** Entries per session kept inline in MultiList (a session in more cells is read from its Track). */
const SLOTS_PER_SESSION = 8;

/**
 * Sessions present (or watching) in more than one cell, flattened into typed arrays (weight, second
 * most recent time, and each cell with the last time there; open = NaN): a query scans them
 * sequentially and skips, without touching the session objects, all that cannot be in two of its
 * cells.
 */
export class MultiList {
  sess: Tracked[] = [];
  n = 0;
  r2 = new Float64Array(256);
  w = new Float64Array(256);
  count = new Int32Array(256);
  cell = new Int32Array(256 * SLOTS_PER_SESSION);
  last = new Float64Array(256 * SLOTS_PER_SESSION);
  private everyone = new Int32Array(0);

  constructor(private readonly kind: number) {}

  add(s: Tracked): void {
    const m = this.n++;
    this.sess.push(s);
    if (m >= this.r2.length) {
      const cap = this.r2.length * 2;
      this.r2 = grow(this.r2, cap);
      this.w = grow(this.w, cap);
      this.count = grow(this.count, cap);
      this.cell = grow(this.cell, cap * SLOTS_PER_SESSION);
      this.last = grow(this.last, cap * SLOTS_PER_SESSION);
    }
    this.w[m] = s.w;
    s.tracks[this.kind]!.multiIdx = m;
    this.update(s.tracks[this.kind]!);
  }

  update(tr: Track): void {
    const m = tr.multiIdx;
    this.r2[m] = recent2(tr);
    const n = tr.cells.length;
    // -1: too many cells to inline, read from the Track.
    this.count[m] = n <= SLOTS_PER_SESSION ? n : -1;
    if (n > SLOTS_PER_SESSION) return;
    const base = m * SLOTS_PER_SESSION;
    for (let i = 0; i < n; i++) {
      this.cell[base + i] = tr.cells[i]!;
      this.last[base + i] = tr.last[i]!;
    }
  }

  /** Drops the sessions with at most one cell after `before`. */
  prune(before: number): void {
    // Two cells at or after `before` (r2 is the second most recent time): nothing to drop.
    let keep = true;
    for (let m = 0; m < this.n && keep; m++) keep = this.r2[m]! >= before;
    if (keep) return;
    const all = this.sess;
    this.sess = [];
    this.n = 0;
    for (const s of all) {
      const tr = s.tracks[this.kind]!;
      let live = 0;
      for (const l of tr.last) if (Number.isNaN(l) || l >= before) live++;
      tr.multiIdx = -1;
      if (live >= 2) this.add(s);
    }
  }

  /** Every session in the list, in list order. */
  all(): Int32Array {
    if (this.everyone.length < this.n) {
      this.everyone = new Int32Array(Math.max(this.n, this.everyone.length * 2));
      for (let m = 0; m < this.everyone.length; m++) this.everyone[m] = m;
    }
    return this.everyone.subarray(0, this.n);
  }

  /** The sessions that can be in two cells of a window starting at `from`, in list order. */
  after(from: number): Int32Array {
    const r2 = this.r2;
    let k = 0;
    for (let m = 0; m < this.n; m++) if (r2[m]! > from) k++;
    const out = new Int32Array(k);
    k = 0;
    for (let m = 0; m < this.n; m++) if (r2[m]! > from) out[k++] = m;
    return out;
  }

  /**
   * Weight to take off each group for sessions counted in several of its cells in a window that
   * starts at `from`: corr[g * stride + offset] += w (and += 1 at offset + 1 when `alsoCount`).
   * `candidates` is `after(from)`.
   */
  correct(
    from: number,
    candidates: Int32Array,
    groupOf: Int32Array,
    corr: Float64Array,
    stride: number,
    offset: number,
    alsoCount: boolean,
  ): void {
    const { w, count, cell, last } = this;
    for (let x = 0; x < candidates.length; x++) {
      const m = candidates[x]!;
      let n = count[m]!;
      let cells: ArrayLike<number> = cell;
      let lasts: ArrayLike<number> = last;
      let base = m * SLOTS_PER_SESSION;
      if (n === 2) {
        // The usual case (one pathway change): counted once more when both cells are in the
        // window and in one group — what the general loop below does for two cells.
        const l0 = last[base]!;
        const l1 = last[base + 1]!;
        if (!(Number.isNaN(l0) || l0 > from) || !(Number.isNaN(l1) || l1 > from)) continue;
        const g = groupOf[cell[base + 1]!]!;
        if (g >= 0 && groupOf[cell[base]!] === g) {
          corr[g * stride + offset]! += w[m]!;
          if (alsoCount) corr[g * stride + offset + 1]! += 1;
        }
        continue;
      }
      if (n < 0) {
        const tr = this.sess[m]!.tracks[this.kind]!;
        cells = tr.cells;
        lasts = tr.last;
        n = tr.cells.length;
        base = 0;
      }
      for (let i = 0; i < n; i++) {
        const li = lasts[base + i]!;
        if (!(Number.isNaN(li) || li > from)) continue; // open (NaN) or left after `from`
        const gi = groupOf[cells[base + i]!]!;
        if (gi < 0) continue;
        for (let j = 0; j < i; j++) {
          const lj = lasts[base + j]!;
          if ((Number.isNaN(lj) || lj > from) && groupOf[cells[base + j]!] === gi) {
            corr[gi * stride + offset]! += w[m]!;
            if (alsoCount) corr[gi * stride + offset + 1]! += 1;
            break;
          }
        }
      }
    }
  }
}
