import { describe, expect, it } from 'vitest';
import { linkCalls, placeTcp, RecordingProxy, whereTcp } from '../../test/support/faults.ts';
import { down } from './down.ts';

describe('down', () => {
  it('disables each selected link, and enables it again', async () => {
    const f = placeTcp({ type: 'down', match: { name: 'viewer.licence' } });
    const proxy = new RecordingProxy();
    await down.apply(f, 'viewer.licence', proxy);
    await down.undo(f, 'viewer.licence', proxy);
    expect(proxy.calls).toEqual(['disable viewer.licence', 'enable viewer.licence']);
    expect(linkCalls(down, f)).toEqual(['down()']);
  });

  it('takes no attributes', () => {
    expect(() => placeTcp({ type: 'down', attributes: { latency: 1 } })).toThrow('(down attributes: none)');
  });

  it('the licence link is the DRM system’s', () => {
    expect(whereTcp({ type: 'down', match: { name: 'viewer.licence' } })).toEqual([
      { party: 'drm', component: 'licence', owners: ['sme:drm'] },
    ]);
  });
});
