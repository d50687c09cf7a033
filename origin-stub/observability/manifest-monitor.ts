/**
 * The manifest-validity dashboard's probe: polls every channel through every CDN, like an external
 * synthetic monitor, and reports whether the manifest parses (m3u8-parser / mpd-parser), whether it
 * advances, and whether its newest segment is reachable.
 */
import { Parser as HlsParser } from 'm3u8-parser';
import { parse as parseMpd } from 'mpd-parser';
import type { Clock, TimerHandle } from '../../core/clock.ts';

export interface ManifestTarget {
  channel: string;
  cdn: string;
  protocol: 'hls' | 'dash';
  /** Media playlist (HLS) or MPD (DASH) URL. */
  url: string;
}

export interface ManifestCheck {
  channel: string;
  cdn: string;
  protocol: 'hls' | 'dash';
  url: string;
  checkedAtMs: number;
  status: number | null;
  parses: boolean;
  /** Newest segment number seen (HLS media sequence + count − 1; DASH last $Number$). */
  newestSegment: number | null;
  /** True when the newest segment moved forward since the previous check (null on the first). */
  advancing: boolean | null;
  /** Clock time the newest segment number last changed. */
  lastAdvanceMs: number | null;
  segmentReachable: boolean | null;
  error?: string;
}

export class ManifestMonitor {
  private readonly results = new Map<string, ManifestCheck>();
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly targets: () => ManifestTarget[],
    private readonly intervalMs = 4000,
    private readonly fetchTimeoutMs = 3000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = this.clock.setInterval(() => void this.pollOnce(), this.intervalMs);
  }

  stop(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  latest(): ManifestCheck[] {
    return [...this.results.values()];
  }

  /** Checks every target once (skipped if the previous round is still running). */
  async pollOnce(): Promise<ManifestCheck[]> {
    if (this.running) return this.latest();
    this.running = true;
    try {
      await Promise.all(this.targets().map((t) => this.check(t)));
      return this.latest();
    } finally {
      this.running = false;
    }
  }

  private async check(t: ManifestTarget): Promise<void> {
    const key = `${t.channel}|${t.cdn}|${t.protocol}`;
    const prev = this.results.get(key);
    const result: ManifestCheck = {
      ...t,
      checkedAtMs: this.clock.now(),
      status: null,
      parses: false,
      newestSegment: null,
      advancing: null,
      lastAdvanceMs: prev?.lastAdvanceMs ?? null,
      segmentReachable: null,
    };
    try {
      const res = await fetch(t.url, {
        signal: AbortSignal.timeout(this.fetchTimeoutMs),
        headers: { 'x-sd-monitor': '1' },
      });
      result.status = res.status;
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const parsed = t.protocol === 'hls' ? readHls(text, t.url) : readDash(text, t.url);
      result.parses = true;
      result.newestSegment = parsed.newest;
      if (prev?.newestSegment != null && parsed.newest != null) {
        result.advancing = parsed.newest > prev.newestSegment;
      }
      if (parsed.newest != null && parsed.newest !== prev?.newestSegment)
        result.lastAdvanceMs = result.checkedAtMs;
      if (parsed.newestUrl) {
        const seg = await fetch(parsed.newestUrl, {
          signal: AbortSignal.timeout(this.fetchTimeoutMs),
          headers: { 'x-sd-monitor': '1' },
        });
        result.segmentReachable = seg.ok;
        await seg.arrayBuffer();
      }
    } catch (err) {
      result.error = (err as Error).message;
    }
    this.results.set(key, result);
  }
}

function readHls(text: string, url: string): { newest: number | null; newestUrl?: string } {
  if (!text.startsWith('#EXTM3U')) throw new Error('not an HLS playlist');
  const p = new HlsParser();
  p.push(text);
  p.end();
  const m = p.manifest as { mediaSequence?: number; segments?: { uri: string }[]; targetDuration?: number };
  if (
    !m.segments ||
    m.segments.length === 0 ||
    typeof m.targetDuration !== 'number' ||
    Number.isNaN(m.targetDuration)
  ) {
    throw new Error('playlist has no segments or no valid target duration');
  }
  const newest = (m.mediaSequence ?? 0) + m.segments.length - 1;
  return { newest, newestUrl: new URL(m.segments[m.segments.length - 1]!.uri, url).toString() };
}

function readDash(text: string, url: string): { newest: number | null; newestUrl?: string } {
  const parsed = parseMpd(text, { manifestUri: url }) as {
    playlists?: { segments?: { number: number; resolvedUri: string }[] }[];
  };
  const segs = parsed.playlists?.[0]?.segments;
  if (!segs || segs.length === 0) throw new Error('MPD has no video segments');
  const last = segs[segs.length - 1]!;
  // mpd-parser numbers the segments of its window from 0; the $Number$ in the URL is the real one.
  const fromUrl = /(\d+)\.m4s(?:$|\?)/.exec(last.resolvedUri)?.[1];
  return { newest: fromUrl !== undefined ? Number(fromUrl) : last.number, newestUrl: last.resolvedUri };
}
