/** `http-delay`: a share of matching requests answered late (delays of several faults add up). */
import { delayMs, shareParam } from '../params.ts';
import { COMPONENTS } from '../types.ts';
import { defineHttpFault } from './define.ts';

export const httpDelay = defineHttpFault({
  type: 'http-delay',
  description: 'delays a share of matching requests by delayMs (at most 10 minutes)',
  modelled: 'the delay is added to the share of requests at that tier',
  params: { delayMs: delayMs(1), share: shareParam },
  acts: { components: COMPONENTS },
  decide(f, _facts, effects, hit) {
    if (!hit(f.share)) return false;
    effects.delayMs = (effects.delayMs ?? 0) + f.delayMs;
    return true;
  },
  tier(f, tier) {
    tier.delay(f.delayMs, f.share);
  },
});
