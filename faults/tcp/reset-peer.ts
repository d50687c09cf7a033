/** `reset_peer`: the reset_peer toxic (connections reset after timeout ms) on every selected link. */
import { delayMs } from '../params.ts';
import { defineToxicFault } from './define.ts';

export const resetPeer = defineToxicFault({
  type: 'reset_peer',
  description: 'resets the connections of every selected link (after timeout ms)',
  modelled: 'the share of requests fails with a network error (a POP answers 502 for its parent)',
  bounds: { timeout: delayMs() },
  link(f, link) {
    link.reset(f.attributes.timeout ?? 0, f.toxicity);
  },
});
