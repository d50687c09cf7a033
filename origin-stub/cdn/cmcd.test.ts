import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { CmcdTracker, readCmcd } from './cmcd.ts';

const q = (cmcd: string) => `CMCD=${encodeURIComponent(cmcd)}`;

describe('CMCD', () => {
  it('decodes the query argument and the headers', () => {
    expect(readCmcd(q('bl=2100,bs,sid="s1"'), {}).data).toMatchObject({ bl: 2100, bs: true, sid: 's1' });
    const h = readCmcd('', { 'cmcd-request': 'bl=300', 'cmcd-status': 'bs', 'cmcd-session': 'sid="s2"' });
    expect(h.data).toMatchObject({ bl: 300, bs: true, sid: 's2' });
    expect(readCmcd('a=1', {}).data).toBeUndefined();
  });

  it('ignores undecodable CMCD without throwing', () => {
    expect(readCmcd(q('garbage"=,,'), {})).toEqual({ invalid: true });
  });

  it('counts requests, starvation and sessions active in the last 30 s', () => {
    const clock = new VirtualClock();
    const t = new CmcdTracker(clock);
    t.record(q('bl=2100,sid="a"'), {});
    t.record(q('bs,bl=0,sid="a"'), {});
    t.record('', { 'cmcd-session': 'sid="b"', 'cmcd-request': 'bl=(900 1200)', 'cmcd-session-extra': 'x' });
    t.record(q('bad"=,,'), {});
    t.record('', {});
    expect(t.stats()).toEqual({ requests: 3, starvation: 1, activeSessions: 2, invalid: 1 });
    expect(t.activeSessions().map((s) => [s.sid, s.bl, s.starvation])).toEqual([
      ['a', 0, 1],
      ['b', 900, 0],
    ]);
    clock.advanceBy(20_000);
    t.record(q('sid="b"'), {});
    clock.advanceBy(15_000);
    expect(t.stats().activeSessions).toBe(1);
    clock.advanceBy(20_000);
    expect(t.stats()).toMatchObject({ requests: 4, activeSessions: 0 });
  });
});
