/** `slicer`: the slicer toxic (data cut into slices of average_size ± size_variation bytes, delay µs apart). */
import { z } from 'zod';
import { MAX_DELAY_MS } from '../params.ts';
import { defineToxicFault } from './define.ts';

export const slicer = defineToxicFault({
  type: 'slicer',
  description: 'slices the data of every selected link into small pieces, delay µs apart',
  modelled: 'each byte costs delay / average_size more (toxicity applied as the mean)',
  bounds: {
    delay: z
      .number()
      .int()
      .min(0)
      .max(MAX_DELAY_MS * 1000, `at most ${MAX_DELAY_MS * 1000} µs (10 minutes)`),
  },
  link(f, link) {
    // delay (µs) between slices of average_size bytes.
    const a = f.attributes;
    const size = Math.max(1, a.average_size ?? 1);
    link.slice(((a.delay ?? 0) / 1000 / size) * f.toxicity);
  },
});
