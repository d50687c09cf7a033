/**
 * A model session's life from join to end: who joins (its seat's labels, player version), the
 * whole startup planned at once under the faults in force (entry manifest, first playlist, licence
 * in parallel with init + first segment; the player's retries and timeouts), the first frame, a
 * fatal error, and the end with the rejoin it schedules. A layer of the simulator
 * (session-state → playback → startup → cruise → simulator).
 */
import type { PlayerErrorInfo } from '../core/events.ts';
import { routePop } from '../origin-stub/topology.ts';
import { PLAYERS } from '../players/registry.ts';
import { KIND_INIT, KIND_MANIFEST, KIND_SEGMENT } from './dims.ts';
import { HANG, MALFORMED, OK, STATUS } from './fault-model.ts';
import { Playback } from './playback.ts';
import { ERROR_SITUATIONS, type ErrorSituation } from './player-errors.ts';
import { DL, PHASE, SIM } from './session-state.ts';

// Module-local copies of shared constants: cheaper in the hot loop than imported bindings
// (which some loaders compile to getters).
const { OFF, STARTING, PLAYING, STALLED } = PHASE;
const { IDLE } = DL;
const TIMEOUT = SIM.TIMEOUT;
const IMPAIRMENT_THINNING = SIM.IMPAIRMENT_THINNING;
const PLAYLIST_BYTES = SIM.PLAYLIST_BYTES;
const INIT_BYTES = SIM.INIT_BYTES;
const O_OK = OK;
const O_STATUS = STATUS;
const O_HANG = HANG;
const O_MALFORMED = MALFORMED;
const K_MANIFEST = KIND_MANIFEST;
const K_SEGMENT = KIND_SEGMENT;
const K_INIT = KIND_INIT;

export abstract class Startup extends Playback {
  protected join(i: number, t: number): void {
    const k = this.constants;
    const d = this.dims;
    const p = this.population;
    this.joins++;
    const serial = ++this.serial[i]!;
    const sid = `vs-${i}-${serial}`;
    const regionName = d.regions[this.region[i]!]!;
    // Request routing as the real stack does it: a stable hash of the session id picks the POP.
    const local = this.topology.regions[regionName]!.pops.indexOf(routePop(this.topology, regionName, sid));
    this.pop[i] = d.regionPops[this.region[i]!]![local]!;
    this.penaltyCdn[i] = -1;
    this.cdn[i] = this.desiredPathway(i, t);
    const pl = this.players[this.player[i]!]!;
    const playerVersion = this.playerVersions[this.player[i]!] ?? PLAYERS[this.player[i]!]!.version;
    let version = this.versionIds.get(playerVersion);
    if (version === undefined) {
      version = this.versions.length;
      this.versionIds.set(playerVersion, version);
      this.versions.push(playerVersion);
    }
    this.version[i] = version;
    this.emitter.begin(i, sid, this.labelsOf(i));
    this.phase[i] = STARTING;
    this.requestT[i] = t;
    this.patienceAt[i] = t + this.lognormal(p.patienceMedianMs, k.patienceSigma);
    this.stallPatience[i] = this.lognormal(k.stallPatienceMedianMs, k.stallPatienceSigma);
    this.leaveAt[i] = t - Math.log(1 - this.rnd()) * p.meanWatchMs;
    this.nextHb[i] = this.heartbeats ? t + k.heartbeatMs : Number.POSITIVE_INFINITY;
    this.hbMedia[i] = 0;
    this.hbBits[i] = 0;
    // Steering reloads every TTL at the session's own phase; the model only wakes a session for one
    // when the steering state changed since (see stackChanged), which is when a reload can matter.
    this.steerPhase[i] = this.rnd() * this.topology.steeringTtlSeconds * 1000;
    this.nextSteer[i] = Number.POSITIVE_INFINITY;
    this.impNext[i] = t - Math.log(1 - this.rnd()) / (this.impairmentPerMs * IMPAIRMENT_THINNING);
    this.addLoad(i, 1);
    this.estimate[i] = pl.abrDefaultEstimateBps;
    this.rung[i] = this.chooseRung(i, pl, -1);
    this.errCount[i] = 0;
    this.recoveries[i] = 0;
    this.lastRecovery[i] = Number.NEGATIVE_INFINITY;
    this.lastCorruptBreak[i] = -1;
    this.holeIn[i] = -1;
    this.holeMs[i] = 0;
    this.stallUntil[i] = 0;
    this.dl[i] = IDLE;
    this.buffer[i] = 0;
    this.emitter.emit(i, 'playbackRequest', t);
    this.planStartup(i, t);
  }

  /**
   * Works out the whole startup at once (entry manifest, CDN playlist, then licence in parallel
   * with init + first segment), under the faults in force: when the first frame appears, or when
   * the player gives up. A request that hangs without a player timeout leaves the start open until
   * the stack changes (`replanHungStartup`).
   */
  protected planStartup(i: number, tReq: number): void {
    const pl = this.players[this.player[i]!]!;
    const m = this.model;
    this.startHang[i] = 0;
    this.manifestMs[i] = 0;
    this.licenceMs[i] = 0;
    this.failAt[i] = Number.POSITIVE_INFINITY;
    this.startAt[i] = Number.POSITIVE_INFINITY;
    // Entry: multivariant playlist (hls.js) or MPD (Shaka).
    const entryRow = m.entryRow(this.isp[i]!, this.channel[i]!, this.variant[i]!, this.device[i]!);
    let t = this.attempts(
      () => m.entryRequest(entryRow),
      pl.manifestAttempts,
      pl.manifestRetryMs,
      1,
      pl.manifestTimeoutMs,
    );
    if (this.settle(i, tReq, t, 'manifest')) return;
    // The first media playlist from the CDN pathway.
    const route = this.route(i, K_MANIFEST);
    const t2 = this.attempts(
      () => m.cdnRequest(route, PLAYLIST_BYTES, this.downBps[i]!, 1, this.weight),
      3,
      pl.retryBaseMs,
      1,
      pl.segmentTimeoutMs,
    );
    if (this.settle(i, tReq, t + t2, 'playlist')) return;
    t += t2;
    this.manifestMs[i] = t;
    // Licence (encrypted) in parallel with init + first segment.
    let lic = 0;
    if (this.variant[i] === 1) {
      const drm = this.dims.deviceDrm[this.device[i]!]!;
      lic = this.attempts(
        () => m.licenceRequest(drm),
        pl.licenceAttempts,
        pl.licenceRetryMs,
        1,
        pl.licenceTimeoutMs,
      );
      if (this.settle(i, tReq, t + lic, 'licence')) return;
    }
    this.licenceMs[i] = lic;
    const init = this.route(i, K_INIT);
    const seg = this.route(i, K_SEGMENT);
    const bytes = this.segmentBytes(i);
    const attempts = pl.liveNetworkRetriesForever ? 40 : pl.segmentErrorAttempts;
    const media = this.attempts(
      () =>
        m.cdnRequest(init, INIT_BYTES, this.downBps[i]!, 2, this.weight) +
        (m.outcome === O_OK
          ? m.cdnRequest(seg, bytes, this.downBps[i]!, this.constants.objectsPerSegment, this.weight)
          : 0),
      attempts,
      pl.retryBaseMs,
      pl.retryFactor,
      pl.segmentTimeoutMs,
    );
    if (this.outcome !== O_OK && pl.liveNetworkRetriesForever) {
      // Shaka keeps retrying a live stream: no error, no first frame (the viewer's patience decides).
      this.startHang[i] = 1;
      return;
    }
    if (this.settle(i, tReq, t + media, 'segment')) return;
    this.startAt[i] = tReq + t + Math.max(lic, media) + pl.startOverheadMs;
  }

  /** Result of the last `attempts` run: O_OK, O_STATUS, NETERR, O_HANG, O_MALFORMED or TIMEOUT. */
  protected outcome = O_OK;
  protected outcomeStatus = 0;

  /**
   * Runs a request with the player's retry policy; returns the total time, ms, and leaves the
   * final outcome in `outcome`. A hang without a timeout returns Infinity.
   */
  protected attempts(
    req: () => number,
    max: number,
    baseMs: number,
    factor: number,
    timeoutMs: number,
  ): number {
    let total = 0;
    for (let a = 1; ; a++) {
      let d = req();
      let o = this.model.outcome;
      if (o === O_HANG || d > timeoutMs) {
        if (timeoutMs === Number.POSITIVE_INFINITY) {
          this.outcome = O_HANG;
          return Number.POSITIVE_INFINITY;
        }
        d = timeoutMs;
        o = TIMEOUT;
      }
      total += d;
      // A 4xx licence answer, a malformed body: no point retrying.
      const final =
        o === O_MALFORMED || (o === O_STATUS && this.model.status >= 400 && this.model.status < 500);
      if (o === O_OK || a >= max || final) {
        this.outcome = o;
        this.outcomeStatus = this.model.status;
        return total;
      }
      total += Math.min(baseMs * factor ** (a - 1), 8000);
    }
  }

  /** After a startup step: records a failure or hang; true when the startup ends here. */
  protected settle(
    i: number,
    tReq: number,
    t: number,
    step: 'manifest' | 'playlist' | 'licence' | 'segment',
  ): boolean {
    const o = this.outcome;
    if (o === O_OK) return false;
    if (o === O_HANG) {
      this.startHang[i] = 1;
      return true;
    }
    const kind =
      o === O_STATUS ? 'status' : o === O_MALFORMED ? 'malformed' : o === TIMEOUT ? 'timeout' : 'network';
    let situation: ErrorSituation;
    if (step === 'licence')
      situation =
        kind === 'status' ? 'licence-status' : kind === 'timeout' ? 'licence-timeout' : 'licence-network';
    else if (step === 'manifest' || step === 'playlist') {
      const base = step === 'manifest' ? 'manifest' : 'playlist';
      situation = `${base}-${kind === 'timeout' && base === 'playlist' ? 'network' : kind}` as ErrorSituation;
    } else
      situation =
        kind === 'timeout' ? 'segment-timeout' : kind === 'status' ? 'segment-status' : 'segment-network';
    this.failAt[i] = tReq + t;
    this.failSituation[i] = ERROR_SITUATIONS.indexOf(situation);
    this.failStatus[i] = o === O_STATUS ? this.outcomeStatus : 0;
    return true;
  }

  /** The stack changed: a start that hung on a request is planned again from now. */
  protected replanHungStartup(i: number, t: number): void {
    // The hung request completes now; the model replays the startup from here (the steps that
    // had succeeded cost their few ms again) and counts the wait into the licence time when the
    // hang was there.
    const manifest = this.manifestMs[i]!;
    this.planStartup(i, t);
    if (this.variant[i] === 1 && manifest > 0) {
      this.licenceMs[i] = this.licenceMs[i]! + (t - this.requestT[i]! - manifest);
      this.manifestMs[i] = manifest;
    }
  }

  protected beginPlayback(i: number, t: number): void {
    const pl = this.players[this.player[i]!]!;
    const cv = this.channel[i]! * 2 + this.variant[i]!;
    const edge = this.liveEdge(cv, t);
    const startSeg = edge - pl.liveSyncSegments + 1;
    this.phase[i] = PLAYING;
    this.nextSeg[i] = startSeg + 1;
    this.known[i] = edge;
    this.buffer[i] = this.segS;
    this.availAfter[i] = t;
    this.dl[i] = IDLE;
    this.emitter.emit(i, 'playbackStart', t, {
      startupMs: Math.round(t - this.requestT[i]!),
      manifestMs: Math.round(this.manifestMs[i]!),
      ...(this.variant[i] === 1 ? { licenceMs: Math.round(this.licenceMs[i]!) } : {}),
    });
    this.emitRendition(i, t);
  }

  protected fatal(i: number, t: number, situation: number, status: number): void {
    const error = this.error(i, ERROR_SITUATIONS[situation]!, true, status || undefined);
    this.emitter.emit(i, 'playerError', t, { error });
    this.end(i, t, 'playbackFail', 'fail', error);
  }

  /** Ends the session (as the real viewer page does: a stall is closed first), schedules a rejoin. */
  protected end(
    i: number,
    t: number,
    type: 'playbackExit' | 'playbackFail',
    reason: string,
    error?: PlayerErrorInfo,
  ): void {
    const k = this.constants;
    const ph = this.phase[i];
    if (ph === STALLED) this.emitter.emit(i, 'playbackStallEnd', t);
    if (this.heartbeats && type === 'playbackExit' && ph !== STARTING) this.emitHeartbeat(i, t);
    if (type === 'playbackFail') this.emitter.emit(i, 'playbackFail', t, { error: error! });
    else this.emitter.emit(i, 'playbackExit', t, { reason });
    this.phase[i] = OFF;
    this.dl[i] = IDLE;
    this.addLoad(i, -1);
    this.joinAt[i] = t + this.lognormal(k.rejoinMedianMs, k.rejoinSigma);
  }
}
