/** `slow_close`: the slow_close toxic (the close is delayed by delay ms) on every selected link. */
import { delayMs } from '../params.ts';
import { defineToxicFault } from './define.ts';

export const slowClose = defineToxicFault({
  type: 'slow_close',
  description: 'delays closing the connections of every selected link by delay ms',
  modelled: 'no effect: a response is complete before its connection closes',
  bounds: { delay: delayMs() },
  link() {},
});
