/** `cache-control-malformed`: responses carry a Cache-Control header caches cannot honour. */
import { z } from 'zod';
import { defineHttpFault } from './define.ts';

export const cacheControlMalformed = defineHttpFault({
  type: 'cache-control-malformed',
  description: 'responses carry a Cache-Control header that caches cannot honour',
  modelled: 'caches below the tier cannot store what it sends: they miss every request',
  params: { value: z.string().default('max-age=,, public;;') },
  acts: { components: ['origin', 'backup-origin', 'shield', 'edge', 'entry', 'steering'] },
  decide(f, _facts, effects) {
    effects.headers = { ...effects.headers, 'cache-control': f.value };
    return true;
  },
  tier(_f, tier) {
    tier.uncacheable();
  },
});
