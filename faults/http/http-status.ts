/** `http-status`: a share of matching requests answered with an HTTP error status instead of the object. */
import { z } from 'zod';
import { shareParam } from '../params.ts';
import { COMPONENTS } from '../types.ts';
import { defineHttpFault } from './define.ts';

export const httpStatus = defineHttpFault({
  type: 'http-status',
  description: 'answers a share of matching requests with an HTTP error status',
  modelled: 'the tier answers that status for the share (the first status fault to hit wins)',
  params: { status: z.number().int().min(400).max(599), share: shareParam },
  acts: { components: COMPONENTS },
  decide(f, _facts, effects, hit) {
    // The draw comes first, as it always has: the registry's random sequence stays the same.
    if (!hit(f.share) || effects.status) return false;
    effects.status = f.status;
    return true;
  },
  tier(f, tier) {
    tier.status(f.status, f.share);
  },
});
