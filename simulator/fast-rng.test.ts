import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { fastRng } from './fast-rng.ts';

describe('fastRng', () => {
  it('draws exactly the numbers of core createRng for the same seed', () => {
    for (const seed of ['', 'a', 'virtual-population|2066', 'virtual-population|bench-0', 'ünïcode-✓']) {
      const core = createRng(seed);
      const fast = fastRng(seed);
      for (let i = 0; i < 100_000; i++) {
        const x = core.next();
        const y = fast();
        if (x !== y) expect({ seed, i, y }).toEqual({ seed, i, y: x });
      }
    }
  });
});
