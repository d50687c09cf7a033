/**
 * Faults that hit one cohort, both players: a manifest freeze stalls live playback on that channel
 * only; a TCP timeout toxic on the links of one ISP to the CDN stalls that ISP's viewers only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue } from '../../metrics/catalogue.ts';
import { type Drill, sleep, startDrill, viewer, waitFor } from '../support/players.ts';

let d: Drill | undefined;

afterAll(async () => {
  await d?.close();
}, 30_000);

async function startedDrill(runId: string, viewers: ReturnType<typeof viewer>[]): Promise<Drill> {
  d = await startDrill({ viewers, runId });
  const drill = d;
  const ok = await waitFor(
    async () => (await drill.states()).filter((s) => s.started).length === viewers.length,
    30_000,
  );
  expect(ok, 'all viewers started').toBe(true);
  return drill;
}

const stalled = async (drill: Drill, slots: number[]) => {
  const s = await drill.states();
  return slots.every((slot) => s.find((x) => x.sid === drill.sidOf(slot))?.stalled);
};

describe('cohort faults, both players', () => {
  it('a manifest freeze stalls live playback on that channel only', async () => {
    const drill = await startedDrill('frz', [
      viewer(0, { player: 'hlsjs', channel: 'news' }),
      viewer(1, { player: 'shaka', channel: 'news' }),
      viewer(2, { player: 'hlsjs', channel: 'sport' }),
      viewer(3, { player: 'shaka', channel: 'sport', region: 'na' }),
    ]);
    const from = Date.now();
    drill.stack.faults.add({ type: 'manifest-freeze', match: { channel: 'news' } });
    const both = await waitFor(() => stalled(drill, [0, 1]), 40_000);
    expect(both, 'news viewers stall').toBe(true);
    await sleep(1500);
    const w = Date.now() - from + 1000;
    for (const player of ['hlsjs', 'shaka']) {
      const news = drill.metrics({ channel: 'news', player }, w);
      expect(news.stalls, `${player} news`).toBeGreaterThanOrEqual(1);
      expect(metricValue(news, 'rebuffering_share'), `${player} news now`).toBe(1);
      const sport = drill.metrics({ channel: 'sport', player }, w);
      expect(sport.stalls, `${player} sport`).toBe(0);
      expect(sport.currentViewers, `${player} sport watching`).toBe(1);
    }
    await drill.close();
    d = undefined;
  }, 90_000);

  it('a timeout toxic on one ISP’s links to cdn-a stalls that ISP’s viewers only', async () => {
    const drill = await startedDrill('isp', [
      viewer(0, { player: 'hlsjs', isp: 'eu-cable' }),
      viewer(1, { player: 'shaka', isp: 'eu-cable' }),
      viewer(2, { player: 'hlsjs', isp: 'eu-telco' }),
      viewer(3, { player: 'shaka', isp: 'eu-telco' }),
    ]);
    const from = Date.now();
    await drill.stack.tcp.add({
      type: 'timeout',
      match: { link: 'viewer-edge', cdn: 'cdn-a', isp: 'eu-cable' },
      attributes: { timeout: 0 },
    });
    const both = await waitFor(() => stalled(drill, [0, 1]), 40_000);
    expect(both, 'eu-cable viewers stall').toBe(true);
    await sleep(1500);
    const w = Date.now() - from + 1000;
    for (const player of ['hlsjs', 'shaka']) {
      expect(
        drill.metrics({ isp: 'eu-cable', player }, w).stalls,
        `${player} eu-cable`,
      ).toBeGreaterThanOrEqual(1);
      const telco = drill.metrics({ isp: 'eu-telco', player }, w);
      expect(telco.stalls, `${player} eu-telco`).toBe(0);
      expect(telco.currentViewers, `${player} eu-telco watching`).toBe(1);
    }
    expect(drill.metrics({}, w).playbackFailures).toBe(0);
  }, 90_000);
});
