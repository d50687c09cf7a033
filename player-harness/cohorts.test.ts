import { describe, expect, it } from 'vitest';
import { assignViewers, CohortError, deal, parseCohorts } from './cohorts.ts';

describe('cohorts', () => {
  it('parses dimensions with ratios', () => {
    expect(parseCohorts('region=emea:8,na:4; player=hlsjs:1,shaka ;device=desktop:2,tv:1')).toEqual({
      region: [
        ['emea', 8],
        ['na', 4],
      ],
      player: [
        ['hlsjs', 1],
        ['shaka', 1],
      ],
      device: [
        ['desktop', 2],
        ['tv', 1],
      ],
    });
  });

  it.each([
    ['colour=red', /unknown cohort dimension "colour"/],
    ['region=mars', /unknown region "mars" \(expected one of: emea, na\)/],
    ['region=emea:0', /must be a positive number/],
    ['region=emea:x', /must be a positive number/],
    ['region', /expected name=value/],
    ['region=emea;region=na', /given twice/],
    ['region=', /has no values/],
    ['region=na;isp=eu-telco', /belongs to none of the regions/],
  ])('rejects %s with a clear message', (text, msg) => {
    expect(() => parseCohorts(text)).toThrow(CohortError);
    expect(() => parseCohorts(text)).toThrow(msg);
  });

  it('deals interleaved values in the ratios', () => {
    expect(
      deal(
        [
          ['a', 2],
          ['b', 1],
        ],
        6,
      ),
    ).toEqual(['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('spreads viewers in the ratios, balanced across dimensions, ISPs within their region', () => {
    const vs = assignViewers(12, parseCohorts('region=emea:2,na:1;player=hlsjs,shaka;variant=clear'));
    const count = (f: (v: (typeof vs)[number]) => boolean) => vs.filter(f).length;
    expect(count((v) => v.region === 'emea')).toBe(8);
    expect(count((v) => v.region === 'emea' && v.player === 'shaka')).toBe(4);
    expect(count((v) => v.region === 'na' && v.player === 'hlsjs')).toBe(2);
    expect(count((v) => v.variant === 'enc')).toBe(0);
    expect(count((v) => v.region === 'emea' && v.isp === 'eu-telco')).toBe(4);
    expect(vs.every((v) => (v.region === 'emea' ? v.isp.startsWith('eu-') : v.isp.startsWith('na-')))).toBe(
      true,
    );
    // every device class and channel present, deterministic
    expect(new Set(vs.map((v) => v.device)).size).toBe(3);
    expect(new Set(vs.map((v) => v.channel)).size).toBe(2);
    expect(assignViewers(12, parseCohorts('region=emea:2,na:1;player=hlsjs,shaka;variant=clear'))).toEqual(
      vs,
    );
  });

  it('deals hls.js and Shaka by default; dash.js only when named (opt-in)', () => {
    const players = (text: string) => new Set(assignViewers(12, parseCohorts(text)).map((v) => v.player));
    expect(players('')).toEqual(new Set(['hlsjs', 'shaka']));
    expect(players('player=dashjs')).toEqual(new Set(['dashjs']));
    expect(players('player=hlsjs,dashjs')).toEqual(new Set(['hlsjs', 'dashjs']));
    expect(() => parseCohorts('player=videojs')).toThrow(
      'unknown player "videojs" (expected one of: hlsjs, shaka, dashjs)',
    );
  });
});
