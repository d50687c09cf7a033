import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp } from '../../test/support/faults.ts';
import { bandwidth } from './bandwidth.ts';

describe('bandwidth', () => {
  it('in the model: caps downstream throughput at rate KB/s (1000 bytes), not upstream', () => {
    expect(linkCalls(bandwidth, placeTcp({ type: 'bandwidth', attributes: { rate: 40 } }))).toEqual([
      'capBps(320000)',
    ]);
    expect(
      linkCalls(bandwidth, placeTcp({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 40 } })),
    ).toEqual([]);
  });

  it('takes rate only', () => {
    expect(() => placeTcp({ type: 'bandwidth', attributes: { latency: 1 } })).toThrow(
      '(bandwidth attributes: rate)',
    );
  });
});
