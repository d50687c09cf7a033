/**
 * Ground truth over the catalogue: where each scenario's faults live (the party, the component and
 * whom to call), derived by the fault modules from each step's target and params. The judge scores
 * escalation and vendor paging against exactly this.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, resolveScenarioPath, stepLocations } from './load.ts';

const where = async (name: string) =>
  (await stepLocations(await loadScenario(resolveScenarioPath(name))))
    .filter((l) => l !== undefined)
    .map((locs) => locs!.map((l) => `${l.party}/${l.component} ${l.owners.join(',')}`));

describe('where the catalogue’s faults live', () => {
  it.each([
    ['worked-example', [['cdn/edge vendor:cdn-a'], ['cdn/shield vendor:cdn-a']]],
    ['one-pop-misbehaving', [['cdn/edge vendor:cdn-a']]],
    ['blip-15s', [['cdn/edge vendor:cdn-a']]],
    ['cdn-a-failing', [['cdn/edge vendor:cdn-a']]],
    ['isp-peering', [['isp/last-mile vendor:eu-cable'], ['isp/last-mile vendor:eu-cable']]],
    ['drm-licence-unreachable', [['drm/licence sme:drm']]],
    ['playready-tv-failing', [['drm/licence sme:drm']]],
    ['origin-cluster-down', [['origin/origin sme:origin']]],
    ['stuck-channel', [['packager/packager sme:packager']]],
    ['bad-packager-deploy', [['packager/packager sme:packager']]],
    ['encoder-bad-deploy', [['encoder/encoder sme:encoder']]],
    ['ad-creative-breaks-tv', [['ads/ad-pod sme:ads']]],
    ['slow-leak', [['cdn/edge vendor:cdn-a,vendor:cdn-b']]],
    [
      'manifest-5xx-majority',
      [
        ['origin/origin sme:origin'],
        ['cdn/edge vendor:cdn-a,vendor:cdn-b', 'cdn/shield vendor:cdn-a,vendor:cdn-b'],
      ],
    ],
  ])('%s', async (name, expected) => {
    expect(await where(name)).toEqual(expected);
  });

  it('narrows to the parts named: POPs, regions, ISPs, channels, DRM labels, versions, devices', async () => {
    const locs = async (name: string) =>
      (await stepLocations(await loadScenario(resolveScenarioPath(name)))).flatMap((l) => l ?? []);
    expect((await locs('worked-example'))[0]).toMatchObject({ cdn: ['cdn-a'], pop: ['fra', 'ams', 'par'] });
    expect((await locs('worked-example'))[1]).toMatchObject({ cdn: ['cdn-a'], region: ['emea'] });
    expect((await locs('isp-peering'))[0]).toMatchObject({ isp: ['eu-cable'], region: ['emea'] });
    expect((await locs('playready-tv-failing'))[0]).toMatchObject({ drm: ['playready'] });
    expect((await locs('stuck-channel'))[0]).toMatchObject({ origin: ['origin'], channel: ['sport'] });
    expect((await locs('bad-packager-deploy'))[0]).toMatchObject({ version: '3.5.0' });
    expect((await locs('ad-creative-breaks-tv'))[0]).toMatchObject({ deviceClass: ['tv'] });
  });
});
