import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp } from '../../test/support/faults.ts';
import { limitData } from './limit-data.ts';

describe('limit_data', () => {
  it('in the model: responses longer than bytes are cut off (downstream only)', () => {
    expect(linkCalls(limitData, placeTcp({ type: 'limit_data', attributes: { bytes: 5000 } }))).toEqual([
      'limit(5000, 1)',
    ]);
    expect(
      linkCalls(limitData, placeTcp({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 5 } })),
    ).toEqual([]);
  });
});
