import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp } from '../../test/support/faults.ts';
import { slowClose } from './slow-close.ts';

describe('slow_close', () => {
  it('has no effect in the model: a response is complete before its connection closes', () => {
    expect(linkCalls(slowClose, placeTcp({ type: 'slow_close', attributes: { delay: 5000 } }))).toEqual([]);
    expect(slowClose.modelled).toMatch(/^no effect/);
  });

  it('bounds the delay at 10 minutes', () => {
    expect(() => placeTcp({ type: 'slow_close', attributes: { delay: 600_001 } })).toThrow('10 minutes');
  });
});
