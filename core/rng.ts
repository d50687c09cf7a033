/**
 * Seeded pseudo-random numbers (fault proxy draws, HTTP fault shares, the simulator).
 *
 * Toxiproxy's own `-seed` flag has no effect; ours makes jitter, toxicity draws and slicer sizes
 * reproducible. Each (proxy, connection, direction, toxic) gets its own stream derived from the
 * server seed, so one connection's draws never depend on how other connections interleave.
 * Written by hand: sfc32 plus a string hash is a dozen lines, smaller than any dependency.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** cyrb53-style 53-bit string hash, split into two 32-bit words for seeding. */
export function seedHash(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/** sfc32: small, fast, passes PractRand for the sizes we need. */
export function createRng(seedText: string): Rng {
  const [a0, b0] = seedHash(seedText);
  const [c0, d0] = seedHash(`${seedText}#2`);
  let a = a0;
  let b = b0;
  let c = c0;
  let d = d0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // discard the first outputs, which echo the seed
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/** A seed for servers started without `--seed`: different on every start, like Toxiproxy. */
export function randomSeed(): string {
  return `${Date.now()}-${Math.random()}`;
}
