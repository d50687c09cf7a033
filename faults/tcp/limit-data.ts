/** `limit_data`: the limit_data toxic (the connection closes after bytes bytes) on every selected link. */
import { defineToxicFault } from './define.ts';

export const limitData = defineToxicFault({
  type: 'limit_data',
  description: 'closes the connections of every selected link after bytes bytes',
  modelled: 'downstream: the share of responses longer than bytes fails with a network error',
  bounds: {},
  link(f, link) {
    if (f.stream === 'downstream') link.limit(f.attributes.bytes ?? 0, f.toxicity);
  },
});
