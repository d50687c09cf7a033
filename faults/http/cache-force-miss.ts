/** `cache-force-miss`: caches at the matching POPs stop hitting; requests go to the parent (a shield misconfiguration). */
import { shareParam } from '../params.ts';
import { defineHttpFault } from './define.ts';

export const cacheForceMiss = defineHttpFault({
  type: 'cache-force-miss',
  description: "a share of requests bypasses the POP's cache (a shield misconfiguration)",
  modelled: "the tier's cache misses that share of what it would have hit; the parent takes the load",
  params: { share: shareParam },
  acts: { components: ['edge', 'shield'] },
  decide(f, _facts, effects, hit) {
    if (!hit(f.share)) return false;
    effects.forceMiss = true;
    return true;
  },
  tier(f, tier) {
    tier.forceMiss(f.share);
  },
});
