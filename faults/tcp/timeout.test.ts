import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp, whereTcp } from '../../test/support/faults.ts';
import { timeout } from './timeout.ts';

describe('timeout', () => {
  it('in the model: that share of connections fails after the timeout (0: held forever)', () => {
    expect(
      linkCalls(timeout, placeTcp({ type: 'timeout', toxicity: 0.3, attributes: { timeout: 0 } })),
    ).toEqual(['timeout(0, 0.3)']);
  });

  it('an edge-shield link is inside the CDN', () => {
    expect(whereTcp({ type: 'timeout', match: { link: 'edge-shield', cdn: 'cdn-a', pop: 'par' } })).toEqual([
      {
        party: 'cdn',
        component: 'edge-shield',
        cdn: ['cdn-a'],
        pop: ['par'],
        region: ['emea'],
        owners: ['vendor:cdn-a'],
      },
    ]);
  });
});
