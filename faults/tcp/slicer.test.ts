import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp } from '../../test/support/faults.ts';
import { slicer } from './slicer.ts';

describe('slicer', () => {
  it('in the model: delay per average slice, per byte', () => {
    const f = placeTcp({
      type: 'slicer',
      attributes: { average_size: 100, size_variation: 10, delay: 2000 },
    });
    expect(linkCalls(slicer, f)).toEqual(['slice(0.02)']);
  });

  it("runs the toxic's own checks", () => {
    expect(() => placeTcp({ type: 'slicer', attributes: { average_size: 10, size_variation: 20 } })).toThrow(
      /slicer/,
    );
  });
});
