/**
 * Licence server faults, both players. Licence 503s for one DRM label make the encrypted sessions
 * of that label fail to start (video start failures) and nobody else. A hanging licence server
 * keeps viewers waiting until their patience runs out (exits before video start), and a slow one
 * raises startup time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue } from '../../metrics/catalogue.ts';
import { type Drill, sleep, startDrill, viewer, waitFor } from '../support/players.ts';

let d: Drill | undefined;

afterAll(async () => {
  await d?.close();
}, 30_000);

const allEnded = (drill: Drill, sids: string[]) =>
  waitFor(async () => {
    const s = await drill.states();
    return sids.every((sid) => s.find((x) => x.sid === sid)?.ended) ? s : undefined;
  }, 30_000);

describe('licence faults, both players', () => {
  it('licence 503 for playready: video start failures for encrypted playready sessions only', async () => {
    const viewers = [
      viewer(0, { player: 'hlsjs', device: 'tv', variant: 'enc' }), // playready: fails
      viewer(1, { player: 'shaka', device: 'tv', variant: 'enc' }), // playready: fails
      viewer(2, { player: 'hlsjs', device: 'desktop', variant: 'enc' }), // widevine
      viewer(3, { player: 'shaka', device: 'desktop', variant: 'enc' }), // widevine
      viewer(4, { player: 'hlsjs', device: 'tv', variant: 'clear' }), // tv, but clear
      viewer(5, { player: 'shaka', device: 'tv', variant: 'clear' }),
    ];
    d = await startDrill({
      viewers,
      runId: 'drm',
      fleet: { patienceMs: 20_000 },
    });
    d.stack.faults.add({
      type: 'http-status',
      status: 503,
      match: { component: 'licence', drm: 'playready' },
    });
    const drill = d;
    const failed = await allEnded(drill, [drill.sidOf(0), drill.sidOf(1)]);
    expect(failed, 'both playready sessions end').toBeTruthy();
    await sleep(1500);
    const states = await drill.states();
    for (const slot of [0, 1])
      expect(states.find((s) => s.sid === drill.sidOf(slot))!.ended, `slot ${slot}`).toBe('fail');
    for (const slot of [2, 3, 4, 5]) {
      const s = states.find((x) => x.sid === drill.sidOf(slot))!;
      expect(s.started, `slot ${slot} started`).toBe(true);
      expect(s.ended, `slot ${slot}`).toBeNull();
    }
    for (const player of ['hlsjs', 'shaka']) {
      const pr = drill.metrics({ drm: 'playready', player }, 120_000);
      expect(pr.startAttempts, player).toBe(1);
      expect(metricValue(pr, 'video_start_failure'), `${player} playready VSF`).toBe(1);
      expect(pr.startup.count).toBe(0);
      const fatal = pr.errors.filter((e) => e.fatal);
      expect(fatal.length, `${player} fatal error recorded`).toBeGreaterThanOrEqual(1);
      expect(drill.metrics({ drm: ['widevine', 'none'], player }, 120_000).videoStartFailures, player).toBe(
        0,
      );
    }
    const hls = drill.metrics({ drm: 'playready', player: 'hlsjs' }, 120_000).errors.find((e) => e.fatal)!;
    expect(hls).toMatchObject({ category: 'keySystemError', httpStatus: 503 });
    const shaka = drill.metrics({ drm: 'playready', player: 'shaka' }, 120_000).errors.find((e) => e.fatal)!;
    expect(shaka.code).toBe('6007');
    const overall = drill.metrics({}, 120_000);
    expect(metricValue(overall, 'video_start_failure')).toBeCloseTo(2 / 6);
    expect(overall.stalls).toBe(0);
    await drill.close();
    d = undefined;
  }, 70_000);

  it('a hanging licence server exits viewers past their patience; a slow one raises startup time', async () => {
    const viewers = [
      viewer(0, { player: 'hlsjs', device: 'desktop', variant: 'enc' }), // widevine: hangs
      viewer(1, { player: 'shaka', device: 'desktop', variant: 'enc' }),
      viewer(2, { player: 'hlsjs', device: 'mobile', variant: 'enc' }), // fairplay: 3 s slow
      viewer(3, { player: 'shaka', device: 'mobile', variant: 'enc' }),
      viewer(4, { player: 'hlsjs', device: 'desktop', variant: 'clear' }),
      viewer(5, { player: 'shaka', device: 'desktop', variant: 'clear' }),
    ];
    const PATIENCE = 7000;
    d = await startDrill({ viewers, runId: 'lic', fleet: { patienceMs: PATIENCE, joinSpreadMs: 500 } });
    const drill = d;
    drill.stack.faults.add({ type: 'http-hang', match: { component: 'licence', drm: 'widevine' } });
    drill.stack.faults.add({
      type: 'http-delay',
      delayMs: 3000,
      match: { component: 'licence', drm: 'fairplay' },
    });
    const exited = await allEnded(drill, [drill.sidOf(0), drill.sidOf(1)]);
    expect(exited, 'widevine viewers leave').toBeTruthy();
    await waitFor(async () => (await drill.states()).filter((s) => s.started).length >= 4, 15_000);
    await sleep(1000);
    const states = await drill.states();
    for (const slot of [0, 1]) {
      const s = states.find((x) => x.sid === drill.sidOf(slot))!;
      expect(s.ended, `slot ${slot}`).toBe('patience');
      expect(s.started).toBe(false);
    }
    for (const player of ['hlsjs', 'shaka']) {
      const wv = drill.metrics({ drm: 'widevine', player }, 120_000);
      expect(metricValue(wv, 'exits_before_video_start'), `${player} widevine EBVS`).toBe(1);
      expect(wv.videoStartFailures, `${player} no fatal error`).toBe(0);
      const fp = drill.metrics({ drm: 'fairplay', player }, 120_000);
      expect(fp.startup.count, player).toBe(1);
      expect(fp.startup.p50Ms, `${player} fairplay startup`).toBeGreaterThanOrEqual(3000);
      expect(fp.licenceP50Ms, `${player} licence time`).toBeGreaterThanOrEqual(2900);
      const clear = drill.metrics({ variant: 'clear', player }, 120_000);
      expect(clear.startup.p50Ms, `${player} clear startup`).toBeLessThan(2500);
      expect(clear.exitsBeforeVideoStart).toBe(0);
    }
    const ended = drill.harness.collector.engine.sessions().filter((s) => s.endT !== undefined);
    expect(ended.map((s) => s.endReason)).toEqual(['patience', 'patience']);
  }, 70_000);
});
