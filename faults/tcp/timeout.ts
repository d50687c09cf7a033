/** `timeout`: the timeout toxic (data stops; the connection closes after timeout ms, 0 never) on every selected link. */
import { delayMs } from '../params.ts';
import { defineToxicFault } from './define.ts';

export const timeout = defineToxicFault({
  type: 'timeout',
  description: 'stops the data on every selected link; closes after timeout ms (0: holds forever)',
  modelled:
    'the share of requests fails after the timeout, or hangs (a POP answers 504 past its parent timeout)',
  bounds: { timeout: delayMs() },
  link(f, link) {
    link.timeout(f.attributes.timeout ?? 0, f.toxicity);
  },
});
