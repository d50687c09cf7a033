/**
 * Control cohort: real hls.js and Shaka viewers through the whole stub stack, no fault. Every
 * viewer starts, nothing fails or stalls, and the bitrate climbs above the lowest rendition. The
 * collector's outputs (JSON, Prometheus, journal) carry the figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../../metrics/catalogue.ts';
import { type Drill, sleep, startDrill, viewer, waitFor } from '../support/players.ts';

let d: Drill;
const viewers = [
  viewer(0, { player: 'hlsjs', region: 'emea', isp: 'eu-telco', device: 'desktop', channel: 'news' }),
  viewer(1, { player: 'shaka', region: 'emea', isp: 'eu-cable', device: 'desktop', channel: 'news' }),
  viewer(2, {
    player: 'hlsjs',
    region: 'emea',
    isp: 'eu-cable',
    device: 'tv',
    channel: 'sport',
    variant: 'enc',
  }),
  viewer(3, {
    player: 'shaka',
    region: 'emea',
    isp: 'eu-telco',
    device: 'mobile',
    channel: 'sport',
    variant: 'enc',
  }),
  viewer(4, { player: 'hlsjs', region: 'na', isp: 'na-telco', device: 'mobile', channel: 'sport' }),
  viewer(5, { player: 'shaka', region: 'na', isp: 'na-cable', device: 'tv', channel: 'news' }),
  viewer(6, {
    player: 'hlsjs',
    region: 'na',
    isp: 'na-cable',
    device: 'desktop',
    channel: 'news',
    variant: 'enc',
  }),
  viewer(7, {
    player: 'shaka',
    region: 'na',
    isp: 'na-telco',
    device: 'desktop',
    channel: 'sport',
    variant: 'enc',
  }),
];

beforeAll(async () => {
  d = await startDrill({ viewers, runId: 'ctl', fleet: { weight: 1000 } });
}, 60_000);

afterAll(async () => {
  await d?.close();
}, 30_000);

/** Lowest variant bitrate a player can pick on a channel: lowest video + the audio. */
function lowestVariant(channel: string): number {
  const ch = d.stack.entry.channels().find((c) => c.name === channel)!;
  const rs = ch.clear.description.renditions;
  const video = Math.min(...rs.filter((r) => r.kind === 'video').map((r) => r.bandwidth));
  const audio = Math.max(...rs.filter((r) => r.kind === 'audio').map((r) => r.bandwidth));
  return video + audio;
}

describe('control cohort, both players', () => {
  it('starts every viewer with no failure and no stall; bitrate above the lowest rendition', async () => {
    const started = await waitFor(async () => {
      const s = await d.states();
      return s.length === viewers.length && s.every((v) => v.started) ? s : undefined;
    }, 30_000);
    expect(started, 'every viewer started').toBeTruthy();
    await sleep(12_000);
    const states = await d.states();
    for (const s of states) {
      const spec = viewers.find((v) => d.sidOf(v.slot) === s.sid)!;
      expect(s.ended, s.sid).toBeNull();
      expect(s.stalled, s.sid).toBe(false);
      expect(s.cdn, `${s.sid} pathway`).toBe('cdn-a');
      expect(s.bitrate, `${s.sid} bitrate`).toBeGreaterThan(lowestVariant(spec.channel));
      expect(s.currentTime, `${s.sid} plays`).toBeGreaterThan(8);
    }
    for (const player of ['hlsjs', 'shaka']) {
      const m = d.metrics({ player }, 120_000);
      expect(m.startAttempts, player).toBe(4000); // 4 real viewers x weight 1000
      expect(m.realSessions, player).toBe(4);
      expect(m.videoStartFailures, player).toBe(0);
      expect(m.playbackFailures, player).toBe(0);
      expect(m.exitsBeforeVideoStart, player).toBe(0);
      expect(m.stalls, player).toBe(0);
      expect(metricValue(m, 'rebuffer_ratio'), player).toBe(0);
      expect(metricValue(m, 'rebuffering_share'), player).toBe(0);
      expect(m.currentViewers, player).toBe(4000);
      expect(m.startup.count, player).toBe(4000);
      expect(m.startup.p95Ms, player).toBeLessThan(5000);
      expect(metricValue(m, 'average_bitrate'), player).toBeGreaterThan(lowestVariant('news'));
      expect(
        m.errors.filter((e) => e.fatal),
        player,
      ).toEqual([]);
    }
    // encrypted sessions carry their DRM label and licence timing
    const enc = d.harness.collector.engine.sessions().filter((s) => s.epochs[0]!.labels.variant === 'enc');
    expect(enc.map((s) => s.epochs[0]!.labels.drm).sort()).toEqual([
      'fairplay',
      'playready',
      'widevine',
      'widevine',
    ]);
    expect(enc.every((s) => (s.licenceMs ?? -1) >= 0)).toBe(true);
  }, 90_000);

  it('writes session events and metric samples to the journal and serves Prometheus and JSON', async () => {
    const types = new Set(d.journal.events.map((e) => e.type));
    for (const t of [
      'session.playbackRequest',
      'session.playbackStart',
      'session.renditionUpdate',
      'session.heartbeat',
      'metrics.sample',
    ])
      expect(types, t).toContain(t);
    const start = d.journal.events.find((e) => e.type === 'session.playbackStart')!;
    expect(start).toMatchObject({
      v: 1,
      sid: expect.stringMatching(/^ctl-\d-1$/),
      weight: 1000,
      labels: { cdn: 'cdn-a' },
    });
    expect(Math.abs(start.t - Date.now())).toBeLessThan(120_000);
    const sample = d.journal.events.filter((e) => e.type === 'metrics.sample').at(-1) as unknown as {
      overall: { startAttempts: number };
      by: { region: Record<string, unknown>; pop: Record<string, unknown> };
    };
    expect(Object.keys(sample.by.region).sort()).toEqual(['emea', 'na']);
    const res = await fetch(`${d.harness.collector.url}/metrics`);
    const text = await res.text();
    // The catalogue's names and labels: a slice carries only its label, the whole population none.
    expect(text).toMatch(/\nstreamdrill_qoe_rebuffering_share\{region="emea"\} 0\n/);
    expect(text).toMatch(/\nstreamdrill_qoe_current_viewers 8000\n/);
    expect(text).toMatch(/\nstreamdrill_qoe_current_viewers\{player="hlsjs"\} 4000\n/);
    // Counters since the start and the startup histogram, with every slice label.
    expect(text).toMatch(/\nstreamdrill_qoe_start_attempts_total\{region="emea",[^}]*player="shaka"\} \d+/);
    expect(text).toMatch(/\nstreamdrill_qoe_startup_seconds_count\{region="na",[^}]*\} [1-9]/);
    const json = (await (await fetch(`${d.harness.collector.url}/metrics.json?by=player`)).json()) as {
      slices: Record<string, { currentViewers: number }>;
    };
    expect(json.slices.hlsjs!.currentViewers).toBe(4000);
  });
});
