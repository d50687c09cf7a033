/**
 * Packaging faults on a stack driven by a VirtualClock: the manifest stops advancing, segments go
 * missing, audio drifts from video — and each stops when its fault is removed. The clock moves
 * only when the test says so, so these checks are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { readTfdt } from './mp4/fragment.ts';
import { Stack } from './stack.ts';

const clock = new VirtualClock(Date.UTC(2026, 10, 21, 19, 43));
let stack: Stack;
beforeAll(async () => {
  // serviceMs 0: the origin's capacity gate must not wait on a clock nobody advances.
  stack = await Stack.start({
    clock,
    seed: 'virtual',
    manifestMonitorMs: 0,
    topology: { origin: { concurrency: 16, serviceMs: 0 } },
  });
});
afterAll(async () => {
  await stack?.close();
});

const origin = () => stack.urls.origin;
async function playlist(
  channel: string,
  rendition = '216p',
): Promise<{ seq: number; text: string; newest: number }> {
  const text = await (await fetch(`${origin()}/live/${channel}/clear/${rendition}/media.m3u8`)).text();
  const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
  const segs = text.split('\n').filter((l) => l.endsWith('.m4s'));
  return { seq, text, newest: Number(segs.at(-1)!.replace('.m4s', '')) };
}

describe('packaging faults in virtual time', () => {
  it('playlists advance with the clock', async () => {
    const a = await playlist('news');
    clock.advanceBy(4000);
    const b = await playlist('news');
    expect(b.seq - a.seq).toBe(2);
  });

  it('manifest freeze stops one channel advancing, and it resumes when removed', async () => {
    const f = stack.faults.add({ type: 'manifest-freeze', match: { channel: 'news' } });
    const news0 = await playlist('news');
    const sport0 = await playlist('sport');
    clock.advanceBy(10_000);
    expect((await playlist('news')).seq).toBe(news0.seq);
    expect((await playlist('sport')).seq).toBe(sport0.seq + 5);
    const age = stack.observer
      .packager(clock.now())
      .find((p) => p.channel === 'news' && p.variant === 'clear')!;
    expect(age.frozen).toBe(true);
    expect(age.manifestAgeSeconds as number).toBeGreaterThanOrEqual(10);
    stack.faults.remove(f.id);
    expect((await playlist('news')).seq).toBe(news0.seq + 5);
  });

  it('a freeze on the primary origin only is fixed by failing over to the backup', async () => {
    const f = stack.faults.add({ type: 'manifest-freeze', match: { component: 'origin', channel: 'sport' } });
    const primary0 = await playlist('sport');
    clock.advanceBy(6000);
    expect((await playlist('sport')).seq).toBe(primary0.seq);
    const backup = await (await fetch(`${stack.urls.backupOrigin}/live/sport/clear/216p/media.m3u8`)).text();
    expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(backup)![1])).toBe(primary0.seq + 3);
    stack.levers.failover('backup');
    const viaCdn = await (
      await fetch(
        `${stack.linkUrl('viewer.cdn-a.fra.eu-telco')}/live/sport/clear/216p/media.m3u8?after=failover`,
      )
    ).text();
    expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(viaCdn)![1])).toBe(primary0.seq + 3);
    stack.levers.failover('primary');
    stack.faults.remove(f.id);
  });

  it('segment gaps show as EXT-X-GAP and 404, only while the fault lasts', async () => {
    const f = stack.faults.add({ type: 'segment-gap', every: 4, length: 1, match: { channel: 'sport' } });
    const p = await playlist('sport');
    expect(p.text).toContain('#EXT-X-GAP');
    const gapN = Math.floor(p.newest / 4) * 4;
    expect((await fetch(`${origin()}/live/sport/clear/216p/${gapN}.m4s`)).status).toBe(404);
    stack.faults.remove(f.id);
    expect((await playlist('sport')).text).not.toContain('#EXT-X-GAP');
    expect((await fetch(`${origin()}/live/sport/clear/216p/${gapN}.m4s`)).status).toBe(200);
  });

  it('A/V drift shifts audio timestamps more the longer it lasts; video is untouched', async () => {
    const tfdt = async (rendition: string, n: number) =>
      readTfdt(
        new Uint8Array(
          await (await fetch(`${origin()}/live/news/clear/${rendition}/${n}.m4s`)).arrayBuffer(),
        ),
      );
    /** Audio start minus video start of the newest segment, ms (48 kHz audio, 15360 Hz video). */
    const skewMs = async () => {
      // One behind the video's newest: audio segments end at slightly different times.
      const n = (await playlist('news')).newest - 1;
      return { n, ms: ((await tfdt('audio', n)) / 48_000 - (await tfdt('216p', n)) / 15_360) * 1000 };
    };
    const before = await skewMs();
    const f = stack.faults.add({ type: 'av-drift', msPerMinute: 600, match: { channel: 'news' } });
    clock.advanceBy(60_000);
    const after = await skewMs();
    // Audio and video segments of one number start up to ~11 ms apart in the loop itself.
    expect(Math.abs(after.ms - before.ms - 600)).toBeLessThan(25);
    const drift = stack.observer
      .packager(clock.now())
      .find((p) => p.channel === 'news' && p.variant === 'clear')!;
    expect(drift.avDriftMs as number).toBeCloseTo(600, 0);
    stack.faults.remove(f.id);
    expect(Math.abs((await skewMs()).ms - before.ms)).toBeLessThan(25);
  });
});
