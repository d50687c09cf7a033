import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaError } from './description.ts';
import { DEFAULT_MEDIA_DIR, loadAllMedia, loadChannelMedia } from './load-media.ts';

const scratch = mkdtempSync(join(tmpdir(), 'streamdrill-media-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('committed media', () => {
  it('has two channels with three video renditions and one audio rendition of equal loop length', () => {
    const channels = loadAllMedia();
    expect(channels.map((c) => c.description.channel)).toEqual(['news', 'sport']);
    for (const c of channels) {
      const d = c.description;
      expect(d.loopSeconds).toBe(16);
      expect(d.renditions.filter((r) => r.kind === 'video')).toHaveLength(3);
      expect(d.renditions.filter((r) => r.kind === 'audio')).toHaveLength(1);
      for (const r of d.renditions) {
        expect(r.loopDuration).toBe(16 * r.timescale);
        expect(r.segments.reduce((n, s) => n + s.duration, 0)).toBe(r.loopDuration);
        expect(r.segments).toHaveLength(8);
      }
    }
  });
});

describe('loader errors', () => {
  it('explains a missing media directory', () => {
    expect(() => loadAllMedia(join(scratch, 'nope'))).toThrow(/media directory not found.*make-media\.sh/);
  });

  it('explains missing and invalid media.json', () => {
    expect(() => loadChannelMedia(scratch)).toThrow(/media\.json: not found/);
    writeFileSync(join(scratch, 'media.json'), '{oops');
    expect(() => loadChannelMedia(scratch)).toThrow(/not valid JSON/);
    writeFileSync(join(scratch, 'media.json'), JSON.stringify({ version: 1, channel: 'x' }));
    expect(() => loadChannelMedia(scratch)).toThrow(MediaError);
    expect(() => loadChannelMedia(scratch)).toThrow(/invalid .*media\.json: loopSeconds/);
  });

  it('refuses paths outside the channel directory', () => {
    const d = loadChannelMedia(join(DEFAULT_MEDIA_DIR, 'news')).description;
    const bad = {
      ...d,
      renditions: [{ ...d.renditions[0]!, init: '../../secret' }, ...d.renditions.slice(1)],
    };
    writeFileSync(join(scratch, 'media.json'), JSON.stringify(bad));
    expect(() => loadChannelMedia(scratch)).toThrow(/refers outside its directory/);
  });
});
