import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp, whereTcp } from '../../test/support/faults.ts';
import { resetPeer } from './reset-peer.ts';

describe('reset_peer', () => {
  it('in the model: that share of connections resets after timeout ms', () => {
    expect(linkCalls(resetPeer, placeTcp({ type: 'reset_peer', attributes: { timeout: 100 } }))).toEqual([
      'reset(100, 1)',
    ]);
  });

  it('the shield-origin links of every CDN are the origin’s; of one CDN to both origins, the CDN’s', () => {
    expect(whereTcp({ type: 'reset_peer', match: { link: 'shield-origin', origin: 'origin' } })).toEqual([
      { party: 'origin', component: 'origin', origin: ['origin'], owners: ['sme:origin'] },
    ]);
    expect(
      whereTcp({ type: 'reset_peer', match: { link: 'shield-origin', cdn: 'cdn-b', region: 'na' } }),
    ).toEqual([
      { party: 'cdn', component: 'shield', cdn: ['cdn-b'], region: ['na'], owners: ['vendor:cdn-b'] },
    ]);
  });
});
