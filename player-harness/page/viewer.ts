/**
 * One viewer on the page: asks the entry point for its session, plays it with its player's
 * adapter in a tiny muted <video>, and turns what happens into CTA-2066 session events.
 *
 * - playbackRequest when the viewer asks to play; playbackStart at the first `playing` (startup
 *   time from the request, with the manifest and licence timings).
 * - Stalls only after the start (startup buffering and seeks are not stalls), from the media
 *   element (`waiting`, no progress with readyState < HAVE_FUTURE_DATA) and the player's own
 *   buffering signal; the stall ends when playback progresses again.
 * - playerError for every player error, playbackFail for a fatal one (then the player is torn down:
 *   no retry loop; the fleet decides whether the viewer comes back, after a delay).
 * - renditionUpdate when the bitrate in use changes; heartbeat every few seconds.
 * - The CDN pathway in use is the host of the last segment requested, mapped to its CDN and POP;
 *   a change emits pathwayChange. Events wait (with their own timestamps) until the first segment
 *   request tells which pathway the session uses, so the request is labelled with the CDN it used.
 */
import type { PlayerErrorInfo, SessionEvent, SessionEventType, SessionLabels } from '../../core/events.ts';
import type { AdapterFactory, PlayerAdapter, Rendition, SessionInfo } from '../../players/adapter.ts';
import type { EventSink, PathwayHost, ViewerConfig, ViewerState } from './protocol.ts';

type Data = NonNullable<SessionEvent['data']>;

/** Give up waiting for the first segment request to label the session after this long. */
const LABEL_WAIT_MS = 5000;

export class Viewer {
  private readonly video: HTMLVideoElement;
  private adapter: PlayerAdapter | undefined;
  private labels: SessionLabels;
  private resolved = false;
  private pending: SessionEvent[] = [];
  private readonly t0 = performance.now();
  private started = false;
  private ended: string | null = null;
  private stalled = false;
  private paused = false;
  private stallAt = 0;
  private manifestMs: number | undefined;
  private licenceMs: number | undefined;
  private bitrate: number | null = null;
  private lastSegmentUrl: string | null = null;
  private readonly errors: string[] = [];
  private readonly timers: number[] = [];
  private lastProgress = { time: 0, at: performance.now() };
  private lastBeatTime = 0;
  private session: (SessionInfo & { pops: Record<string, string> }) | undefined;

  constructor(
    private readonly cfg: ViewerConfig,
    private readonly beacon: EventSink,
    private readonly hosts: Record<string, PathwayHost>,
    private readonly factories: Record<string, AdapterFactory>,
    container: HTMLElement,
    private readonly onEnded: (sid: string, reason: string) => void,
  ) {
    this.labels = {
      region: cfg.region,
      isp: cfg.isp,
      device: cfg.device,
      player: cfg.player,
      playerVersion: 'unknown',
      channel: cfg.channel,
      variant: cfg.variant,
      drm: 'none',
      cdn: 'unknown',
      pop: 'unknown',
    };
    this.video = document.createElement('video');
    Object.assign(this.video, { muted: true, autoplay: true, playsInline: true, width: 160, height: 90 });
    this.video.dataset.sid = cfg.sid;
    container.appendChild(this.video);
  }

  async start(): Promise<void> {
    this.emit('playbackRequest');
    this.timers.push(window.setTimeout(() => this.resolvePathway(undefined), LABEL_WAIT_MS));
    this.timers.push(
      window.setTimeout(() => {
        if (!this.started && !this.ended) this.end('playbackExit', 'patience');
      }, this.cfg.patienceMs),
    );
    const q = new URLSearchParams({
      channel: this.cfg.channel,
      variant: this.cfg.variant,
      region: this.cfg.region,
      isp: this.cfg.isp,
      device: this.cfg.device,
      player: this.cfg.player,
      sid: this.cfg.sid,
    });
    let session: SessionInfo & { pops: Record<string, string> };
    try {
      const res = await fetch(`${this.cfg.entryUrl}/play/session?${q}`);
      if (!res.ok) {
        this.fatal({
          player: this.cfg.player,
          category: 'entry',
          code: 'sessionRequestFailed',
          fatal: true,
          httpStatus: res.status,
        });
        return;
      }
      const body = (await res.json()) as {
        licence: string | null;
        drm: string | null;
        hls: string;
        dash: string;
        pops: Record<string, string>;
      };
      session = { sid: this.cfg.sid, channel: this.cfg.channel, ...body };
    } catch (err) {
      this.fatal({
        player: this.cfg.player,
        category: 'entry',
        code: `sessionRequestFailed: ${(err as Error).message}`,
        fatal: true,
      });
      return;
    }
    if (this.ended) return;
    this.session = session;
    this.labels = { ...this.labels, drm: session.drm ?? 'none' };
    const factory = this.factories[this.cfg.player];
    if (!factory) {
      this.fatal({ player: this.cfg.player, category: 'harness', code: 'unknownPlayer', fatal: true });
      return;
    }
    this.adapter = factory(this.video, session, {
      segmentRequest: (url) => this.onSegment(url),
      error: (info) => this.onError(info),
      rendition: (r) => this.onRendition(r),
      manifestLoaded: (ms) => {
        this.manifestMs ??= Math.round(ms);
      },
      licenceLoaded: (ms) => {
        this.licenceMs ??= Math.round(ms);
      },
      buffering: (on) => (on ? this.stallStart() : this.stallEnd()),
    });
    this.labels = { ...this.labels, playerVersion: this.adapter.version };
    this.watchMedia();
    try {
      await this.adapter.load();
    } catch (err) {
      this.onError({
        player: this.cfg.player,
        category: 'load',
        code: String((err as Error).message ?? err),
        fatal: true,
      });
    }
  }

  private watchMedia(): void {
    const v = this.video;
    v.addEventListener('playing', () => {
      if (!this.started) this.onStart();
      else this.stallEnd();
    });
    v.addEventListener('waiting', () => {
      if (!v.seeking) this.stallStart();
    });
    v.addEventListener('timeupdate', () => {
      if (this.stalled && v.currentTime - this.stallAt > 0.3 && v.readyState >= 3) this.stallEnd();
    });
    v.addEventListener('pause', () => {
      if (!this.started || this.ended || v.ended) return;
      this.paused = true;
      if (this.stalled) this.stallEnd();
      this.emit('playbackPause');
    });
    v.addEventListener('play', () => {
      if (!this.paused) return;
      this.paused = false;
      this.emit('playbackResume');
    });
    v.addEventListener('ended', () => this.end('playbackFinish', 'finish'));
    // Watchdog: no progress for 2 s while playing and short of data is a stall even without `waiting`.
    this.timers.push(
      window.setInterval(() => {
        const now = performance.now();
        if (v.currentTime !== this.lastProgress.time) this.lastProgress = { time: v.currentTime, at: now };
        else if (
          this.started &&
          !this.paused &&
          !this.stalled &&
          v.readyState < 3 &&
          now - this.lastProgress.at > 2000
        )
          this.stallStart();
      }, 500),
    );
    this.timers.push(window.setInterval(() => this.heartbeat(), this.cfg.heartbeatMs));
  }

  private onStart(): void {
    this.started = true;
    this.lastBeatTime = this.video.currentTime;
    const data: Data = { startupMs: Math.round(performance.now() - this.t0) };
    if (this.manifestMs !== undefined) data.manifestMs = this.manifestMs;
    if (this.licenceMs !== undefined) data.licenceMs = this.licenceMs;
    this.emit('playbackStart', data);
  }

  private stallStart(): void {
    if (!this.started || this.stalled || this.paused || this.ended || this.video.seeking) return;
    this.stalled = true;
    this.stallAt = this.video.currentTime;
    this.emit('playbackStall');
  }

  private stallEnd(): void {
    if (!this.stalled || this.ended) return;
    this.stalled = false;
    this.emit('playbackStallEnd');
  }

  private heartbeat(): void {
    if (!this.started || this.ended) return;
    const mediaSeconds = Math.max(0, this.video.currentTime - this.lastBeatTime);
    this.lastBeatTime = this.video.currentTime;
    this.emit('heartbeat', { mediaSeconds, bitsPlayed: Math.round(mediaSeconds * (this.bitrate ?? 0)) });
  }

  private onSegment(url: string): void {
    this.lastSegmentUrl = url;
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return;
    }
    this.resolvePathway(this.hosts[host] ?? { cdn: host, pop: 'unknown' });
  }

  /** Labels the session with the pathway in use; `undefined`: give up waiting, use the first CDN. */
  private resolvePathway(p: PathwayHost | undefined): void {
    if (!p) {
      if (this.resolved) return;
      const pops = this.session?.pops ?? {};
      const cdn = Object.keys(pops)[0];
      p = cdn ? { cdn, pop: pops[cdn]! } : { cdn: 'unknown', pop: 'unknown' };
    }
    const from = this.labels.cdn;
    if (this.resolved && p.cdn === this.labels.cdn && p.pop === this.labels.pop) return;
    this.labels = { ...this.labels, cdn: p.cdn, pop: p.pop };
    if (!this.resolved) {
      this.resolved = true;
      for (const e of this.pending)
        this.beacon.push({ ...e, labels: { ...this.labels, playerVersion: this.labels.playerVersion } });
      this.pending = [];
    } else {
      this.emit('pathwayChange', { from, to: p.cdn });
    }
  }

  private onError(info: PlayerErrorInfo): void {
    if (this.ended) return;
    this.errors.push(`${info.code}${info.fatal ? ' (fatal)' : ''}`);
    if (this.errors.length > 50) this.errors.shift();
    this.emit('playerError', { error: info });
    if (info.fatal) this.fatal(info);
  }

  private fatal(info: PlayerErrorInfo): void {
    if (this.ended) return;
    if (info.category === 'entry' || info.category === 'harness') this.emit('playerError', { error: info });
    this.end('playbackFail', 'fail', { error: info });
  }

  private onRendition(r: Rendition): void {
    if (this.bitrate === r.bitrate) return;
    this.bitrate = r.bitrate;
    this.emit('renditionUpdate', {
      bitrate: r.bitrate,
      ...(r.width ? { width: r.width } : {}),
      ...(r.height ? { height: r.height } : {}),
    });
  }

  private emit(type: SessionEventType, data?: Data): void {
    const e: SessionEvent = {
      sid: this.cfg.sid,
      type,
      t: Date.now(),
      labels: { ...this.labels },
      weight: this.cfg.weight,
      ...(data ? { data } : {}),
    };
    if (this.resolved) this.beacon.push(e);
    else this.pending.push(e);
  }

  /** Ends the session with one final event, tears the player down and tells the fleet. */
  end(type: 'playbackExit' | 'playbackFail' | 'playbackFinish', reason: string, data: Data = {}): void {
    if (this.ended) return;
    if (this.stalled) this.stallEnd();
    if (type !== 'playbackFail') this.heartbeat();
    this.emit(type, { ...data, reason });
    this.ended = reason;
    this.resolvePathway(undefined);
    for (const t of this.timers) {
      window.clearTimeout(t);
      window.clearInterval(t);
    }
    const adapter = this.adapter;
    this.adapter = undefined;
    void (async () => {
      await adapter?.destroy().catch(() => {});
      this.video.removeAttribute('src');
      this.video.load();
      this.video.remove();
      this.onEnded(this.cfg.sid, reason);
    })();
  }

  state(): ViewerState {
    return {
      sid: this.cfg.sid,
      player: this.cfg.player,
      started: this.started,
      ended: this.ended,
      stalled: this.stalled,
      currentTime: this.video.currentTime,
      cdn: this.labels.cdn,
      pop: this.labels.pop,
      bitrate: this.bitrate,
      lastSegmentUrl: this.lastSegmentUrl,
      errors: [...this.errors],
    };
  }
}
