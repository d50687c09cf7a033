import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp, RecordingProxy, whereTcp } from '../../test/support/faults.ts';
import { TcpFaultError } from '../tcp.ts';
import { latency } from './latency.ts';

describe('latency', () => {
  it('applies the latency toxic to each selected link, and takes it off', async () => {
    const f = placeTcp({
      type: 'latency',
      match: { link: 'viewer-edge', isp: 'eu-cable', pop: 'fra' },
      attributes: { latency: 250 },
    });
    expect(f.links).toEqual(['viewer.cdn-a.fra.eu-cable', 'viewer.cdn-b.fra.eu-cable']);
    const proxy = new RecordingProxy();
    await latency.apply(f, f.links[0]!, proxy);
    await latency.undo(f, f.links[0]!, proxy);
    expect(proxy.calls).toEqual([
      '+latency t on viewer.cdn-a.fra.eu-cable {"latency":250}',
      '-t on viewer.cdn-a.fra.eu-cable',
    ]);
  });

  it('in the model: the mean latency and jitter (toxicity drawn per connection)', () => {
    const f = placeTcp({
      type: 'latency',
      match: { name: 'viewer.licence' },
      toxicity: 0.5,
      attributes: { latency: 300, jitter: 40 },
    });
    expect(linkCalls(latency, f)).toEqual(['latency(150, 20)']);
  });

  it('refuses an unknown attribute, naming the known ones, and a latency that would overflow a timer', () => {
    expect(() => placeTcp({ type: 'latency', attributes: { latncy: 300 } })).toThrow(
      "invalid TCP fault: attributes: unknown key 'latncy' (latency attributes: latency, jitter)",
    );
    expect(() => placeTcp({ type: 'latency', attributes: { latency: 4294967296 } })).toThrow(TcpFaultError);
    expect(() => placeTcp({ type: 'latency', attributes: { latency: 4294967296 } })).toThrow(
      'attributes.latency: at most 600000 ms (10 minutes)',
    );
  });

  it("one ISP's links to every CDN are the ISP's; one POP's links from every ISP are the CDN's", () => {
    expect(whereTcp({ type: 'latency', match: { link: 'viewer-edge', isp: 'eu-cable' } })).toEqual([
      {
        party: 'isp',
        component: 'last-mile',
        isp: ['eu-cable'],
        region: ['emea'],
        owners: ['vendor:eu-cable'],
      },
    ]);
    expect(whereTcp({ type: 'latency', match: { link: 'viewer-edge', cdn: 'cdn-b', pop: 'iad' } })).toEqual([
      {
        party: 'cdn',
        component: 'edge',
        cdn: ['cdn-b'],
        pop: ['iad'],
        region: ['na'],
        owners: ['vendor:cdn-b'],
      },
    ]);
    // One ISP to one CDN: a peering point, both parties.
    expect(
      whereTcp({ type: 'latency', match: { link: 'viewer-edge', cdn: 'cdn-a', isp: 'na-cable' } }).map(
        (l) => l.party,
      ),
    ).toEqual(['isp', 'cdn']);
  });
});
