/**
 * The simulator's random stream: exactly the numbers of `createRng(seedText).next` (core/rng.ts:
 * sfc32 seeded by the same string hash, the first outputs discarded the same way), with the state
 * in a typed array. core/rng.ts keeps its state in closure variables, and every update of a 32-bit
 * value above 2^31 there allocates a heap number; the simulator draws millions of numbers a run,
 * so this keeps them allocation-free. `fast-rng.test.ts` holds the two streams together.
 */

import { seedHash as hash } from '../core/rng.ts';

/** Uniform floats in [0, 1): the stream of `createRng(seedText).next()`. */
export function fastRng(seedText: string): () => number {
  // sfc32 works modulo 2^32: int32 state gives the same bits as core/rng.ts's uint32 state.
  const s = new Int32Array(4);
  [s[0], s[1]] = hash(seedText);
  [s[2], s[3]] = hash(`${seedText}#2`);
  const next = (): number => {
    let a = s[0]!;
    let b = s[1]!;
    let c = s[2]!;
    let d = s[3]!;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // discard the first outputs, which echo the seed
  return next;
}
