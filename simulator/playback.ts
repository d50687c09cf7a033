/**
 * Playback of the model sessions, one request at a time: when the next request can start (live
 * edge, playlist reloads, forward buffer), the playlist + segment fetch through the fault model,
 * its completion (buffer, ABR, ad breaks) or failure (the player's retries, backoff, pathway
 * failover, the error it reports), stalls and their ends, background impairment, and the steering
 * pathways. Every difference between players is a trait (`PlayerModel`, players/<id>/traits.ts).
 * A layer of the simulator (session-state → playback → startup → cruise → simulator).
 */
import type { PlayerModel } from './constants.ts';
import { KIND_MANIFEST, KIND_SEGMENT } from './dims.ts';
import { DRAW, HANG, MALFORMED, NO_PULL, OK, PULL, STATUS } from './fault-model.ts';
import { ERROR_SITUATIONS, type ErrorSituation } from './player-errors.ts';
import { DL, DL_KIND, PHASE, SessionState, SIM } from './session-state.ts';

// Module-local copies of shared constants: cheaper in the hot loop than imported bindings
// (which some loaders compile to getters).
const { PLAYING, STALLED } = PHASE;
const { IDLE, FETCH, BACKOFF } = DL;
const { MEDIA: DL_MEDIA, PLAYLIST: DL_PLAYLIST } = DL_KIND;
const TIMEOUT = SIM.TIMEOUT;
const IMPAIRMENT_THINNING = SIM.IMPAIRMENT_THINNING;
const PLAYLIST_BYTES = SIM.PLAYLIST_BYTES;
const O_OK = OK;
const O_STATUS = STATUS;
const O_HANG = HANG;
const O_MALFORMED = MALFORMED;
const K_MANIFEST = KIND_MANIFEST;
const K_SEGMENT = KIND_SEGMENT;
const P_DRAW = DRAW;
const P_PULL = PULL;
const P_NO_PULL = NO_PULL;

export abstract class Playback extends SessionState {
  /** Ends session i with a fatal error (startup.ts). */
  protected abstract fatal(i: number, t: number, situation: number, status: number): void;
  /** A session that completed a segment may start cruising (cruise.ts). */
  protected abstract maybeCruise(i: number, t: number, cv: number, pl: PlayerModel): void;

  /** When the next request can start (now or later). */
  protected availability(i: number, cv: number, t: number, pl: PlayerModel): number {
    const next = this.nextSeg[i]!;
    let a = this.availAfter[i]!;
    // Forward buffer full: wait until it drains below the goal (only while playing).
    if (this.buffer[i]! >= pl.maxBufferS) {
      if (this.phase[i] !== PLAYING) return Number.POSITIVE_INFINITY;
      a = Math.max(a, t + (this.buffer[i]! - pl.maxBufferS) * 1000 + 1);
    }
    if (next <= this.known[i]!) return Math.max(a, t);
    // Not announced yet: the next playlist reload after the segment is published.
    const f = this.frozenEdge[cv]!;
    if (f >= 0 && f < next) return Number.POSITIVE_INFINITY;
    const published = this.ast + (next + 1) * this.segMs;
    return Math.max(a, published + this.reloadPhase[i]!, t);
  }

  /**
   * Starts the next request at t: the playlist reload that announces the next segment (when it is
   * not known yet) chained with the segment itself, or the segment alone. A lost segment (gap) is
   * skipped without a request.
   */
  protected startFetch(i: number, cv: number, t: number, pl: PlayerModel): void {
    const m = this.model;
    let next = this.nextSeg[i]!;
    const edge = this.liveEdge(cv, t);
    // The next segment left the playlist's sliding window: the player jumps to the live point.
    if (next < edge - this.constants.liveWindowSegments + 1) {
      next = edge - pl.liveSyncSegments + 2;
      this.nextSeg[i] = next;
      this.buffer[i] = 0;
      this.known[i] = edge;
    }
    let d = 0;
    // A sampled cruise's draw: this fetch reaches the origin (its playlist, its segment or both).
    let pullMan = P_DRAW;
    let pullSeg = P_DRAW;
    if (this.pullSeg[i] === next) {
      this.pullSeg[i] = -1;
      const pm = m.originShare(this.route(i, K_MANIFEST));
      const ps = m.originShare(this.route(i, K_SEGMENT));
      const u = this.rnd() * (1 - (1 - pm) * (1 - ps));
      pullMan = u < pm ? P_PULL : P_NO_PULL;
      pullSeg = u >= pm * (1 - ps) ? P_PULL : P_NO_PULL;
    }
    if (next > this.known[i]!) {
      d = m.cdnRequest(this.route(i, K_MANIFEST), PLAYLIST_BYTES, this.downBps[i]!, 1, this.weight, pullMan);
      const known = this.liveEdge(cv, t + d);
      if (m.outcome !== O_OK || known < next) {
        // Failed, or nothing new yet (hls.js reloads an unchanged live playlist after half a target duration).
        this.known[i] = Math.max(this.known[i]!, known);
        this.inFlight(i, t, d, DL_PLAYLIST, pl);
        return;
      }
      this.known[i] = known;
    }
    const gap = this.gapFn[cv];
    if (gap?.(next)) {
      // A segment the packager lost: an HLS player knows it from EXT-X-GAP, a DASH player gets a
      // 404 (gapErrorStatus); both skip it and later jump the hole in the buffer.
      if (pl.gapErrorStatus > 0)
        this.emitter.emit(i, 'playerError', t, {
          error: this.error(i, 'segment-status', false, pl.gapErrorStatus),
        });
      this.nextSeg[i] = next + 1;
      if (this.holeIn[i]! < 0) {
        this.holeIn[i] = this.buffer[i]!;
        this.holeMs[i] = pl.gapJumpMs;
      }
      this.availAfter[i] = t + d;
      return;
    }
    const bytes = this.segmentBytes(i);
    const bps = this.throughput(i, t + d, bytes * 8);
    this.dlBps[i] = bps;
    d += m.cdnRequest(
      this.route(i, K_SEGMENT),
      bytes,
      bps,
      this.constants.objectsPerSegment,
      this.weight,
      pullSeg,
    );
    this.inFlight(i, t, d, DL_MEDIA, pl);
  }

  /** Records the request in flight; a hang or a slow answer ends at the player's timeout. */
  protected inFlight(i: number, t: number, d: number, kind: number, pl: PlayerModel): void {
    let o = this.model.outcome;
    if (o === O_HANG) {
      o = TIMEOUT;
      d = pl.segmentTimeoutMs;
    } else if (d > pl.segmentLoadTimeoutMs) {
      o = TIMEOUT;
      d = pl.segmentLoadTimeoutMs;
    }
    this.dl[i] = FETCH;
    this.dlKind[i] = kind;
    this.dlAt[i] = t + Math.max(1, d);
    this.dlOutcome[i] = o;
    this.dlStatus[i] = this.model.status;
  }

  protected completeFetch(i: number, cv: number, t: number, pl: PlayerModel): void {
    if (this.dl[i] === BACKOFF) {
      this.dl[i] = IDLE;
      return;
    }
    this.dl[i] = IDLE;
    const o = this.dlOutcome[i]!;
    if (o === O_OK) {
      this.errCount[i] = 0;
      if (this.dlKind[i] === DL_PLAYLIST) {
        // The reload brought nothing new (frozen, or not published yet): reload again in half a
        // target duration, as hls.js does for an unchanged live playlist.
        this.availAfter[i] = t + this.segMs / 2;
        return;
      }
      const n = this.nextSeg[i]!;
      this.nextSeg[i] = n + 1;
      this.buffer[i] = this.buffer[i]! + this.segS;
      this.updateAbr(i, t, pl);
      this.checkAdBreak(i, n, t, pl);
      if (this.phase[i] === PLAYING) this.maybeCruise(i, t, cv, pl);
      return;
    }
    // A failed request: report, back off, retry — or give up where the real player does.
    const playlist = this.dlKind[i] === DL_PLAYLIST;
    const kind =
      o === O_STATUS
        ? 'status'
        : o === TIMEOUT
          ? 'timeout'
          : o === O_MALFORMED
            ? 'malformed'
            : ('network' as const);
    const situation = (
      playlist
        ? kind === 'malformed'
          ? 'playlist-malformed'
          : kind === 'status'
            ? 'playlist-status'
            : 'playlist-network'
        : kind === 'timeout'
          ? 'segment-timeout'
          : kind === 'status'
            ? 'segment-status'
            : 'segment-network'
    ) as ErrorSituation;
    const status = o === O_STATUS ? this.dlStatus[i]! : undefined;
    const count = this.errCount[i]! + 1;
    this.errCount[i] = Math.min(count, 255);
    const limit = o === TIMEOUT ? pl.segmentTimeoutAttempts : pl.segmentErrorAttempts;
    if (pl.liveNetworkRetriesForever) {
      // Shaka, dash.js: a request fails after its attempts (one non-fatal error), then streaming
      // retries — dash.js on another pathway when one is left (pathwayFailover).
      if (count % limit === 0) {
        if (pl.pathwayFailover && this.failover(i, t, pl, situation, status)) return;
        this.emitter.emit(i, 'playerError', t, { error: this.error(i, situation, false, status) });
        this.backoff(i, t, 100);
        return;
      }
      this.backoff(i, t, Math.min(pl.retryBaseMs * pl.retryFactor ** ((count % limit) - 1), pl.retryMaxMs));
      return;
    }
    if (count < limit) {
      this.emitter.emit(i, 'playerError', t, { error: this.error(i, situation, false, status) });
      const delay =
        o === TIMEOUT ? 0 : Math.min(pl.retryBaseMs * pl.retryFactor ** (count - 1), pl.retryMaxMs);
      this.backoff(i, t, delay);
      return;
    }
    // hls.js: retries exhausted. Another pathway? Penalise this one and move; else fatal.
    if (pl.pathwayFailover && this.failover(i, t, pl, situation, status)) return;
    this.fatal(i, t, ERROR_SITUATIONS.indexOf(situation), status ?? 0);
  }

  /**
   * Retries exhausted on this pathway: when another is left, report the error (non-fatal),
   * penalise this pathway, move to the other, and say so (true).
   */
  protected failover(
    i: number,
    t: number,
    pl: PlayerModel,
    situation: ErrorSituation,
    status: number | undefined,
  ): boolean {
    const alt = this.alternatePathway(i, t);
    if (alt < 0) return false;
    this.emitter.emit(i, 'playerError', t, { error: this.error(i, situation, false, status) });
    this.penaltyCdn[i] = this.cdn[i]!;
    this.penaltyUntil[i] =
      t + (pl.pathwayPenaltySteeringTtl ? this.topology.steeringTtlSeconds * 1000 : pl.pathwayPenaltyMs);
    // Back to the preferred pathway at the first steering reload after the penalty.
    this.nextSteer[i] = this.nextReload(i, this.penaltyUntil[i]!);
    this.switchPathway(i, alt, t);
    this.errCount[i] = 0;
    return true;
  }

  protected backoff(i: number, t: number, delay: number): void {
    this.dl[i] = BACKOFF;
    this.dlAt[i] = t + Math.max(1, delay);
  }

  protected checkAdBreak(i: number, n: number, t: number, pl: PlayerModel): void {
    const ad = this.adPod;
    if (!ad.enabled || n % ad.breakEverySegments >= ad.breakSegments) return;
    if (!ad.brokenFor.includes(this.dims.devices[this.device[i]!]!)) return;
    const brk = Math.floor(n / ad.breakEverySegments);
    if (brk === this.lastCorruptBreak[i]) return; // one error per ad break
    this.lastCorruptBreak[i] = brk;
    // hls.js: the harness recovers a media error at most twice, never twice within 10 s.
    if (!pl.corruptSegmentFatal && this.recoveries[i]! < 2 && t - this.lastRecovery[i]! > 10_000) {
      this.recoveries[i] = this.recoveries[i]! + 1;
      this.lastRecovery[i] = t;
      this.emitter.emit(i, 'playerError', t, { error: this.error(i, 'corrupt-segment', false) });
      if (this.holeIn[i]! < 0) {
        this.holeIn[i] = Math.max(0, this.buffer[i]! - this.segS);
        this.holeMs[i] = pl.corruptSegmentStallMs;
      }
      return;
    }
    this.fatal(i, t, ERROR_SITUATIONS.indexOf('corrupt-segment'), 0);
  }

  protected stall(i: number, t: number, pl: PlayerModel, forcedMs: number): void {
    this.phase[i] = STALLED;
    this.stallStart[i] = t;
    this.stallUntil[i] = t + forcedMs;
    this.holeMs[i] = forcedMs;
    this.emitter.emit(i, 'playbackStall', t);
    // A player that reports every stall as an error (hls.js bufferStalledError; the harness relays it).
    if (pl.stallError && forcedMs === 0)
      this.emitter.emit(i, 'playerError', t, { error: this.error(i, 'stalled', false) });
  }

  protected maybeResume(i: number, t: number, pl: PlayerModel, drift: number): void {
    if (t < this.stallUntil[i]!) return;
    const eff = this.buffer[i]! - drift;
    // After a jumped hole any buffered media will do; a starved buffer needs the resume goal.
    const need = this.holeMs[i]! > 0 ? 0.05 : pl.resumeBufferS;
    if (eff < need) return;
    this.phase[i] = PLAYING;
    this.holeMs[i] = 0;
    this.emitter.emit(i, 'playbackStallEnd', t);
  }

  /**
   * A background impairment candidate (thinning: candidates come at the highest possible rate,
   * each kept with probability congestion / IMPAIRMENT_THINNING, so the rate follows CDN load).
   */
  protected impairment(i: number, t: number): void {
    const k = this.constants;
    const ci = this.cdn[i]! * this.dims.regions.length + this.region[i]!;
    if (this.rnd() * IMPAIRMENT_THINNING < this.congestion[ci]!) {
      this.impUntil[i] = t + this.lognormal(k.impairmentMedianMs, k.impairmentSigma);
      this.impBps[i] = k.impairmentMinBps + this.rnd() * (k.impairmentMaxBps - k.impairmentMinBps);
    }
    this.impNext[i] = t - Math.log(1 - this.rnd()) / (this.impairmentPerMs * IMPAIRMENT_THINNING);
  }

  protected updateAbr(i: number, t: number, pl: PlayerModel): void {
    const sample = this.dlBps[i]!;
    this.estimate[i] = pl.abrEwmaAlpha * sample + (1 - pl.abrEwmaAlpha) * this.estimate[i]!;
    const cur = this.rung[i]!;
    const next = this.chooseRung(i, pl, cur);
    if (next !== cur) {
      this.rung[i] = next;
      this.emitRendition(i, t);
    }
  }

  protected chooseRung(i: number, pl: PlayerModel, cur: number): number {
    const ch = this.channel[i]!;
    const bps = this.videoBps;
    const o = ch * this.dims.rungs;
    const top = this.topRung[ch]!;
    const est = this.estimate[i]!;
    let best = 0;
    for (let r = 0; r <= top; r++) {
      // Going up needs more headroom than staying (hls.js abrBandWidthUpFactor, Shaka upgrade target).
      const factor = r > cur && cur >= 0 ? pl.abrUpFactor : pl.abrDownFactor;
      if (bps[o + r]! <= est * factor) best = r;
    }
    return best;
  }

  /** The pathway the steering answer puts this session on. */
  protected desiredPathway(i: number, t: number): number {
    const r = this.region[i]!;
    const order = this.steerOrder[r]!;
    let choice = order[0]!;
    if (this.standby[i] === 1 && this.steerDefault[r] && order.length > 1) choice = order[1]!;
    if (choice === this.penaltyCdn[i] && t < this.penaltyUntil[i]!) {
      const alt = order.find((c) => c !== choice);
      if (alt !== undefined) choice = alt;
    }
    return choice;
  }

  protected alternatePathway(i: number, t: number): number {
    const order = this.steerOrder[this.region[i]!]!;
    for (const c of order) {
      if (c === this.cdn[i]) continue;
      if (c === this.penaltyCdn[i] && t < this.penaltyUntil[i]!) continue;
      return c;
    }
    return -1;
  }

  protected refreshSteering(i: number, t: number): void {
    const ttl = this.topology.steeringTtlSeconds * 1000;
    this.model.steeringRequest(this.region[i]!);
    // The answer can change only with the stack (stackChanged schedules a reload then) or when a
    // penalty ends (the first reload after it brings the player back to the preferred pathway).
    this.nextSteer[i] =
      t < this.penaltyUntil[i]! ? this.nextReload(i, this.penaltyUntil[i]!) : Number.POSITIVE_INFINITY;
    // A failed steering request keeps the current pathway; the player tries again next reload.
    if (this.model.outcome !== O_OK) {
      this.nextSteer[i] = t + ttl;
      return;
    }
    const want = this.desiredPathway(i, t);
    if (want !== this.cdn[i]) this.switchPathway(i, want, t);
  }

  protected switchPathway(i: number, to: number, t: number): void {
    const d = this.dims;
    const from = d.cdns[this.cdn[i]!]!;
    this.addLoad(i, -1);
    this.cdn[i] = to;
    this.addLoad(i, 1);
    // As the harness does: the event already carries the new pathway.
    this.emitter.relabel(i, this.labelsOf(i));
    this.emitter.emit(i, 'pathwayChange', t, { from, to: d.cdns[to]! });
  }
}
