import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.ts';
import { placeHttp, TARGETS, tierCalls } from '../../test/support/faults.ts';
import { FaultRegistry } from '../registry.ts';
import { malformManifest, manifestMalformed } from './manifest-malformed.ts';

describe('manifest-malformed', () => {
  it('mangles the first tag and cuts the body mid-line', () => {
    const hls = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n1.m4s\n';
    const bad = malformManifest(hls);
    expect(bad.startsWith('#EXT_M3U\n')).toBe(true);
    expect(bad.length).toBeLessThan(hls.length);
    expect(bad.endsWith('\n')).toBe(false);
    expect(malformManifest('<?xml version="1.0"?>\n<MPD type="dynamic"></MPD>')).toContain('<MPD_');
  });

  it('rewrites manifests only', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    reg.add({ id: 'm', type: 'manifest-malformed', match: { cdn: 'cdn-a' } });
    const e = reg.decide({ component: 'edge', cdn: 'cdn-a', kind: 'manifest' });
    expect(e.rewrite).toBe(malformManifest);
    expect(reg.decide({ component: 'edge', cdn: 'cdn-a', kind: 'segment' })).toEqual({ faultIds: [] });
  });

  it('in the model: manifests only', () => {
    const f = placeHttp(manifestMalformed, { share: 0.4 });
    expect(tierCalls(manifestMalformed, f, true)).toEqual(['malformed(0.4)']);
    expect(tierCalls(manifestMalformed, f, false)).toEqual([]);
  });

  it('refuses a match on segments only', () => {
    const reg = new FaultRegistry(new VirtualClock(0), 's', TARGETS);
    expect(() => reg.add({ type: 'manifest-malformed', match: { kind: 'segment' } })).toThrow(
      /matches nothing/,
    );
  });
});
