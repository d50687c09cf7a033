/** `http-hang`: a share of matching requests never answered (a hung licence server, a black-holed POP). */
import { shareParam } from '../params.ts';
import { COMPONENTS } from '../types.ts';
import { defineHttpFault } from './define.ts';

export const httpHang = defineHttpFault({
  type: 'http-hang',
  description: 'never answers a share of matching requests while the fault lasts',
  modelled: 'the share of requests hangs until the player gives up (504 from a POP whose parent hangs)',
  params: { share: shareParam },
  acts: { components: COMPONENTS },
  decide(f, _facts, effects, hit) {
    if (!hit(f.share)) return false;
    effects.hang = true;
    return true;
  },
  tier(f, tier) {
    tier.hang(f.share);
  },
});
