/**
 * What a model request experiences, given the faults in force. Whenever the virtual stack changes,
 * the HTTP faults (matched with the registry's own `matches`, on the same request facts the real
 * servers derive) and the TCP toxics of every link are compiled into one row per request context;
 * a request then costs a few table reads and random draws:
 *
 *   viewer ─(viewer-edge link)─ edge ─miss─(edge-shield link)─ shield ─miss─(shield-origin link)─ origin queue
 *
 * Each tier may answer a status, delay, hang, or (manifests) a malformed body; caches miss at their
 * normal ratio or more under `cache-force-miss`, and cannot store what an upstream tier sends with a
 * malformed Cache-Control. Pulls that reach an origin join its queue; a parent slower than the
 * POP's parent timeout is answered 504 (origin-stub/cdn/pop.ts).
 *
 * What each fault contributes to a tier or a link is its module's business (faults/http/*.ts
 * `tier`, faults/tcp/*.ts `link`, in the terms of faults/fault.ts `ModelTier` and `ModelLink`);
 * this file owns the row layout and how the contributions combine.
 */

import type { ModelLink, ModelTier } from '../faults/fault.ts';
import { type HttpFault, httpFaultModule, tcpFaultModule } from '../faults/index.ts';
import type { TcpFault } from '../faults/tcp.ts';
import { type Component, FACT_KEYS, matches, type RequestFacts } from '../faults/types.ts';
import { shieldName } from '../origin-stub/targets.ts';
import type { ModelConstants } from './constants.ts';
import { type Dims, KIND_MANIFEST, KINDS, VARIANTS } from './dims.ts';
import type { OriginQueue } from './origin-queue.ts';

// One tier's HTTP effects.
const T_STATUS = 0;
const T_STATUS_SHARE = 1;
const T_DELAY = 2;
const T_DELAY_SHARE = 3;
const T_HANG = 4;
const T_MALFORMED = 5;
const T_FORCE_MISS = 6;
const T_CC_BAD = 7;
const TIER = 8;

// One link's toxics.
const L_LAT = 0;
const L_JITTER = 1;
const L_BPS = 2;
const L_DOWN = 3;
const L_TIMEOUT_MS = 4;
const L_TIMEOUT_SHARE = 5;
const L_RESET_MS = 6;
const L_RESET_SHARE = 7;
const L_LIMIT = 8;
const L_LIMIT_SHARE = 9;
const L_SLICE_MS_PER_BYTE = 10;
const LINK = 11;

// A route row: flags, miss ratios, the three tiers and the three links.
const R_CLEAN = 0;
const R_EDGE_MISS = 1;
const R_SHIELD_MISS = 2;
const R_ORIGIN = 3;
const R_EDGE = 4;
const R_SHIELD = R_EDGE + TIER;
const R_ORIGIN_TIER = R_SHIELD + TIER;
const R_VE = R_ORIGIN_TIER + TIER;
const R_ES = R_VE + LINK;
const R_SO = R_ES + LINK;
const ROW = R_SO + LINK;
/** The first HOT fields of a row again, in a compact table. */
const HOT = 4;

// A service row (licence, entry, steering): one tier and one link.
const S_TIER = 0;
const S_LINK = TIER;
const SROW = TIER + LINK;

/** cdnRequest's `pull`: the caches decide; the request reaches the origin; it does not. */
export const DRAW = 0;
export const PULL = 1;
export const NO_PULL = 2;

/** How a request ended. */
export const OK = 0;
export const STATUS = 1;
/** Connection refused, reset or cut: the player sees a network error. */
export const NETERR = 2;
/** No answer at all (until the player's own timeout). */
export const HANG = 3;
export const MALFORMED = 4;

export class FaultModel {
  private readonly routes: Float64Array;
  /** Per route: clean, edge miss, shield miss, origin (the route row's first fields). */
  private readonly hot: Float64Array;
  private readonly licence: Float64Array;
  private readonly entry: Float64Array;
  private readonly steering: Float64Array;
  /** Outcome of the last request (OK, STATUS, NETERR, HANG, MALFORMED) and its HTTP status. */
  outcome = OK;
  status = 0;
  /** True when the last request was served from the edge cache. */
  edgeHit = true;
  /** The origin (0 primary, 1 backup) every context's shield pulls from (see originOf). */
  originIdx = 0;
  /** Per route: 1 when the last compile changed what a request on it reads first (the hot fields). */
  readonly moved: Uint8Array;

  constructor(
    private readonly dims: Dims,
    private readonly k: ModelConstants,
    /** Origin queues: [primary, backup]. */
    readonly origins: [OriginQueue, OriginQueue],
    private readonly rnd: () => number,
  ) {
    this.routes = new Float64Array(dims.routes * ROW);
    this.hot = new Float64Array(dims.routes * HOT);
    this.moved = new Uint8Array(dims.routes);
    this.licence = new Float64Array(dims.drmLabels.length * SROW);
    this.entry = new Float64Array(dims.isps.length * dims.channels.length * 2 * dims.devices.length * SROW);
    this.steering = new Float64Array(dims.regions.length * SROW);
  }

  entryRow(isp: number, channel: number, variant: number, device: number): number {
    return ((isp * this.dims.channels.length + channel) * 2 + variant) * this.dims.devices.length + device;
  }

  /** Recompiles every row from the faults in force and the origin the shields pull from. */
  compile(http: HttpFault[], tcp: TcpFault[], origin: 'primary' | 'backup'): void {
    const d = this.dims;
    const k = this.k;
    const originComponent: Component = origin === 'backup' ? 'backup-origin' : 'origin';
    const originIdx = origin === 'backup' ? 1 : 0;
    this.originIdx = originIdx;
    const linkCache = new Map<string, Float64Array>();
    const link = (name: string): Float64Array => {
      let l = linkCache.get(name);
      if (!l) {
        l = compileLink(tcp.filter((f) => f.links.includes(name)));
        linkCache.set(name, l);
      }
      return l;
    };
    // A tier's effects depend only on which faults match its facts: the facts are turned into the
    // set of matching faults one label at a time (bit sets, built level by level in the loops
    // below), and each distinct set is compiled once.
    const masks = new FactMasks(http);
    const all = masks.all;
    const at = masks.of.bind(masks);
    // Every context's channel, variant, device class, rendition and kind: shared by the three tiers.
    const nCommon = d.channels.length * 2 * d.devices.length * d.rungs * KINDS.length;
    const common: Uint32Array[] = new Array(nCommon);
    for (let ch = 0; ch < d.channels.length; ch++) {
      const ladder = d.ladders[ch]!;
      const mCh = masks.and(all, at('channel', ladder.channel));
      for (let v = 0; v < 2; v++) {
        const mV = masks.and(mCh, at('variant', VARIANTS[v]!));
        for (let dev = 0; dev < d.devices.length; dev++) {
          const mDev = masks.and(mV, at('deviceClass', d.devices[dev]!));
          for (let r = 0; r < d.rungs; r++) {
            const rendition = ladder.video[Math.min(r, ladder.video.length - 1)]!.id;
            const mR = masks.and(mDev, at('rendition', rendition));
            for (let kind = 0; kind < KINDS.length; kind++)
              common[(((ch * 2 + v) * d.devices.length + dev) * d.rungs + r) * KINDS.length + kind] =
                masks.and(mR, at('kind', KINDS[kind]!));
          }
        }
      }
    }
    const none = (m: Uint32Array, ...keys: (keyof RequestFacts)[]) =>
      keys.reduce((acc, key) => masks.and(acc, at(key, undefined)), m);
    const edgeBase = none(at('component', 'edge'), 'drm');
    const shieldBase = none(at('component', 'shield'), 'drm');
    const originBase = none(at('component', originComponent), 'cdn', 'pop', 'region', 'isp', 'drm');
    const R = this.routes;
    for (let c = 0; c < d.cdns.length; c++) {
      const cdn = d.cdns[c]!;
      const eC = masks.and(edgeBase, at('cdn', cdn));
      const sC = masks.and(shieldBase, at('cdn', cdn));
      for (let p = 0; p < d.pops.length; p++) {
        const pop = d.pops[p]!;
        const region = d.regions[d.popRegion[p]!]!;
        const eP = masks.and(masks.and(eC, at('pop', pop)), at('region', region));
        const sP = masks.and(masks.and(sC, at('pop', shieldName(region))), at('region', region));
        for (let i = 0; i < d.isps.length; i++) {
          if (d.ispRegion[i] !== d.popRegion[p]) continue;
          const isp = d.isps[i]!;
          const eI = masks.and(eP, at('isp', isp));
          const sI = masks.and(sP, at('isp', isp));
          const ve = link(`viewer.${cdn}.${pop}.${isp}`);
          const es = link(`edge.${cdn}.${pop}`);
          const so = link(`shield.${cdn}.${region}.${origin === 'backup' ? 'backup' : 'origin'}`);
          const linksClean = isCleanLink(ve) && isCleanLink(es) && isCleanLink(so);
          let x = 0;
          for (let ch = 0; ch < d.channels.length; ch++) {
            for (let v = 0; v < 2; v++) {
              for (let dev = 0; dev < d.devices.length; dev++) {
                for (let r = 0; r < d.rungs; r++) {
                  for (let kind = 0; kind < KINDS.length; kind++) {
                    const cm = common[x++]!;
                    const manifest = kind === KIND_MANIFEST;
                    const e = masks.tier(eI, cm, manifest);
                    const s = masks.tier(sI, cm, manifest);
                    const o = masks.tier(originBase, cm, manifest);
                    const route = d.route(c, p, i, ch, v, dev, r, kind);
                    const row = route * ROW;
                    const baseEdge = manifest ? k.edgeMissManifest : k.edgeMissSegment;
                    const baseShield = manifest ? k.shieldMissManifest : k.shieldMissSegment;
                    // A malformed Cache-Control from upstream leaves the caches below unable to store.
                    // Errors are never cached: with the origin failing every request, no new live
                    // object ever reaches a cache, so every request misses all the way down.
                    const originDead = o[T_STATUS_SHARE]! >= 1 || o[T_HANG]! >= 1 || so[L_DOWN]! > 0;
                    const edgeMiss =
                      originDead || s[T_CC_BAD]! > 0 || o[T_CC_BAD]! > 0
                        ? 1
                        : baseEdge + (1 - baseEdge) * e[T_FORCE_MISS]!;
                    const shieldMiss =
                      originDead || o[T_CC_BAD]! > 0 ? 1 : baseShield + (1 - baseShield) * s[T_FORCE_MISS]!;
                    R[row + R_EDGE_MISS] = edgeMiss;
                    R[row + R_SHIELD_MISS] = shieldMiss;
                    R[row + R_ORIGIN] = originIdx;
                    R.set(e, row + R_EDGE);
                    R.set(s, row + R_SHIELD);
                    R.set(o, row + R_ORIGIN_TIER);
                    R.set(ve, row + R_VE);
                    R.set(es, row + R_ES);
                    R.set(so, row + R_SO);
                    R[row + R_CLEAN] =
                      linksClean && isCleanTier(e) && isCleanTier(s) && isCleanTier(o) ? 1 : 0;
                    // The fields every request reads, side by side (one cache line for a context's kinds).
                    const h = route * HOT;
                    const H = this.hot;
                    this.moved[route] =
                      H[h + R_CLEAN] !== R[row + R_CLEAN] ||
                      H[h + R_EDGE_MISS] !== edgeMiss ||
                      H[h + R_SHIELD_MISS] !== shieldMiss ||
                      H[h + R_ORIGIN] !== originIdx
                        ? 1
                        : 0;
                    H[h + R_CLEAN] = R[row + R_CLEAN]!;
                    H[h + R_EDGE_MISS] = edgeMiss;
                    H[h + R_SHIELD_MISS] = shieldMiss;
                    H[h + R_ORIGIN] = originIdx;
                  }
                }
              }
            }
          }
        }
      }
    }
    for (let m = 0; m < d.drmLabels.length; m++) {
      this.licence.set(
        masks.factsTier({ component: 'licence', kind: 'licence', drm: d.drmLabels[m]! }),
        m * SROW + S_TIER,
      );
      this.licence.set(link('viewer.licence'), m * SROW + S_LINK);
    }
    for (let i = 0; i < d.isps.length; i++) {
      const region = d.regions[d.ispRegion[i]!]!;
      for (let ch = 0; ch < d.channels.length; ch++) {
        for (let v = 0; v < 2; v++) {
          for (let dev = 0; dev < d.devices.length; dev++) {
            const row = this.entryRow(i, ch, v, dev) * SROW;
            this.entry.set(
              masks.factsTier({
                component: 'entry',
                region,
                isp: d.isps[i]!,
                channel: d.channels[ch]!,
                variant: VARIANTS[v]!,
                kind: 'manifest',
                deviceClass: d.devices[dev]!,
              }),
              row + S_TIER,
            );
            this.entry.set(link('viewer.entry'), row + S_LINK);
          }
        }
      }
    }
    for (let r = 0; r < d.regions.length; r++) {
      this.steering.set(
        masks.factsTier({ component: 'steering', kind: 'steering', region: d.regions[r]! }),
        r * SROW + S_TIER,
      );
      this.steering.set(link('viewer.steering'), r * SROW + S_LINK);
    }
  }

  /**
   * One request through the CDN (a playlist, an init segment, or a media segment of `objects`
   * objects and `bytes` bytes) at the session's downlink `downBps`; `weight` viewers make it.
   * Returns its duration, ms, and sets `outcome`/`status`/`edgeHit`.
   */
  cdnRequest(
    route: number,
    bytes: number,
    downBps: number,
    objects: number,
    weight: number,
    pull: number = DRAW,
  ): number {
    // Small enough for the JIT to inline where it is called (no boxed numbers across the call on
    // the usual, fault-free path).
    return this.hot[route * HOT + R_CLEAN] === 1
      ? this.cleanRequest(route, bytes, downBps, objects, weight, pull)
      : this.faultedRequest(route, bytes, downBps, objects, weight);
  }

  /**
   * cdnRequest on a context no fault touches. `pull` is DRAW (the caches decide), or what a
   * sampled cruise decided for this request (see the simulator's maybeCruise): PULL (it misses
   * both caches and reaches the origin) or NO_PULL (it does not: the edge misses with the odds
   * of missing the edge without reaching the origin, and the shield then hits).
   */
  private cleanRequest(
    route: number,
    bytes: number,
    downBps: number,
    objects: number,
    weight: number,
    pull: number,
  ): number {
    const R = this.hot;
    const o = route * HOT;
    const k = this.k;
    const rnd = this.rnd;
    this.outcome = OK;
    this.edgeHit = true;
    let t = k.rttViewerEdgeMs;
    const e = R[o + R_EDGE_MISS]!;
    const sh = R[o + R_SHIELD_MISS]!;
    if (pull === DRAW ? rnd() < e : pull === PULL || rnd() * (1 - e * sh) < e * (1 - sh)) {
      this.edgeHit = false;
      let parent = k.rttEdgeShieldMs;
      if (pull === DRAW ? rnd() < sh : pull === PULL) {
        const q = this.origins[R[o + R_ORIGIN]!]!;
        q.arrive(weight * objects);
        parent += k.rttShieldOriginMs + q.waitMs();
      }
      if (parent > k.parentTimeoutMs) return this.fail(STATUS, 504, t + k.parentTimeoutMs);
      t += parent;
    }
    return t + (bytes * 8000) / downBps;
  }

  /** cdnRequest on a context some fault touches. */
  private faultedRequest(
    route: number,
    bytes: number,
    downBps: number,
    objects: number,
    weight: number,
  ): number {
    const R = this.routes;
    const o = route * ROW;
    const k = this.k;
    const rnd = this.rnd;
    this.outcome = OK;
    this.edgeHit = true;
    // Viewer to edge.
    const ve = o + R_VE;
    let t = k.rttViewerEdgeMs;
    if (R[ve + L_DOWN]! > 0) return this.fail(NETERR, 0, t);
    if (R[ve + L_TIMEOUT_SHARE]! > 0 && rnd() < R[ve + L_TIMEOUT_SHARE]!) {
      const ms = R[ve + L_TIMEOUT_MS]!;
      return ms > 0 ? this.fail(NETERR, 0, ms) : this.fail(HANG, 0, Number.POSITIVE_INFINITY);
    }
    if (R[ve + L_RESET_SHARE]! > 0 && rnd() < R[ve + L_RESET_SHARE]!)
      return this.fail(NETERR, 0, R[ve + L_RESET_MS]!);
    t += R[ve + L_LAT]! + R[ve + L_JITTER]! * rnd();
    let bps = Math.min(downBps, R[ve + L_BPS]!);
    // The edge itself.
    const e = o + R_EDGE;
    if (R[e + T_HANG]! > 0 && rnd() < R[e + T_HANG]!) return this.fail(HANG, 0, Number.POSITIVE_INFINITY);
    if (R[e + T_DELAY_SHARE]! > 0 && rnd() < R[e + T_DELAY_SHARE]!) t += R[e + T_DELAY]!;
    if (R[e + T_STATUS_SHARE]! > 0 && rnd() < R[e + T_STATUS_SHARE]!)
      return this.fail(STATUS, R[e + T_STATUS]!, t);
    let malformed = R[e + T_MALFORMED]! > 0 && rnd() < R[e + T_MALFORMED]!;
    if (rnd() < R[o + R_EDGE_MISS]!) {
      this.edgeHit = false;
      // Edge to shield: failures there come back as 502 (refused/reset) or 504 (parent timeout).
      const es = o + R_ES;
      let parent = k.rttEdgeShieldMs;
      if (R[es + L_DOWN]! > 0) return this.fail(STATUS, 502, t + 1);
      const fail = linkFailure(R, es, rnd, k.parentTimeoutMs);
      if (fail >= 0) return this.fail(STATUS, fail >= k.parentTimeoutMs ? 504 : 502, t + fail);
      parent += R[es + L_LAT]! + R[es + L_JITTER]! * rnd();
      bps = Math.min(bps, R[es + L_BPS]!);
      const s = o + R_SHIELD;
      if (R[s + T_HANG]! > 0 && rnd() < R[s + T_HANG]!) return this.fail(STATUS, 504, t + k.parentTimeoutMs);
      if (R[s + T_DELAY_SHARE]! > 0 && rnd() < R[s + T_DELAY_SHARE]!) parent += R[s + T_DELAY]!;
      if (R[s + T_STATUS_SHARE]! > 0 && rnd() < R[s + T_STATUS_SHARE]!)
        return this.fail(STATUS, R[s + T_STATUS]!, t + parent);
      malformed ||= R[s + T_MALFORMED]! > 0 && rnd() < R[s + T_MALFORMED]!;
      if (rnd() < R[o + R_SHIELD_MISS]!) {
        const so = o + R_SO;
        if (R[so + L_DOWN]! > 0) return this.fail(STATUS, 502, t + parent + 1);
        const f2 = linkFailure(R, so, rnd, k.parentTimeoutMs);
        if (f2 >= 0) return this.fail(STATUS, parent + f2 >= k.parentTimeoutMs ? 504 : 502, t + parent + f2);
        parent += k.rttShieldOriginMs + R[so + L_LAT]! + R[so + L_JITTER]! * rnd();
        bps = Math.min(bps, R[so + L_BPS]!);
        const og = o + R_ORIGIN_TIER;
        const q = this.origins[R[o + R_ORIGIN]!]!;
        q.arrive(weight * objects);
        if (R[og + T_HANG]! > 0 && rnd() < R[og + T_HANG]!)
          return this.fail(STATUS, 504, t + k.parentTimeoutMs);
        parent += q.waitMs();
        if (R[og + T_DELAY_SHARE]! > 0 && rnd() < R[og + T_DELAY_SHARE]!) parent += R[og + T_DELAY]!;
        if (parent <= k.parentTimeoutMs && R[og + T_STATUS_SHARE]! > 0 && rnd() < R[og + T_STATUS_SHARE]!)
          return this.fail(STATUS, R[og + T_STATUS]!, t + parent);
        malformed ||= R[og + T_MALFORMED]! > 0 && rnd() < R[og + T_MALFORMED]!;
      }
      if (parent > k.parentTimeoutMs) return this.fail(STATUS, 504, t + k.parentTimeoutMs);
      t += parent;
    }
    t += (bytes * 8000) / bps + bytes * R[ve + L_SLICE_MS_PER_BYTE]!;
    if (R[ve + L_LIMIT_SHARE]! > 0 && bytes > R[ve + L_LIMIT]! && rnd() < R[ve + L_LIMIT_SHARE]!)
      return this.fail(NETERR, 0, t);
    if (malformed) return this.fail(MALFORMED, 200, t);
    return t;
  }

  /** A licence request for a DRM label; duration ms, outcome as for cdnRequest. */
  licenceRequest(drm: number): number {
    return this.serviceRequest(this.licence, drm * SROW, this.k.licenceServiceMs);
  }

  /** The multivariant playlist / MPD from the entry point. */
  entryRequest(row: number): number {
    return this.serviceRequest(this.entry, row * SROW, 5);
  }

  /** A steering manifest for a region. */
  steeringRequest(region: number): number {
    return this.serviceRequest(this.steering, region * SROW, 2);
  }

  /** True when no HTTP effect or toxic touches this request context (cache misses aside). */
  isClean(route: number): boolean {
    return this.hot[route * HOT + R_CLEAN] === 1;
  }

  /** Share of this context's requests that reach an origin (edge miss x shield miss). */
  originShare(route: number): number {
    const h = route * HOT;
    return this.hot[h + R_EDGE_MISS]! * this.hot[h + R_SHIELD_MISS]!;
  }

  /** The origin (0 primary, 1 backup) this context's shield pulls from. */
  originOf(route: number): number {
    return this.hot[route * HOT + R_ORIGIN]!;
  }

  private serviceRequest(table: Float64Array, o: number, serviceMs: number): number {
    const rnd = this.rnd;
    this.outcome = OK;
    const l = o + S_LINK;
    let t = this.k.rttServiceMs;
    if (table[l + L_DOWN]! > 0) return this.fail(NETERR, 0, t);
    const f = linkFailure(table, l, rnd, Number.POSITIVE_INFINITY);
    if (f >= 0) return f === Number.POSITIVE_INFINITY ? this.fail(HANG, 0, f) : this.fail(NETERR, 0, f);
    t += table[l + L_LAT]! + table[l + L_JITTER]! * rnd();
    if (table[o + T_HANG]! > 0 && rnd() < table[o + T_HANG]!)
      return this.fail(HANG, 0, Number.POSITIVE_INFINITY);
    if (table[o + T_DELAY_SHARE]! > 0 && rnd() < table[o + T_DELAY_SHARE]!) t += table[o + T_DELAY]!;
    if (table[o + T_STATUS_SHARE]! > 0 && rnd() < table[o + T_STATUS_SHARE]!)
      return this.fail(STATUS, table[o + T_STATUS]!, t);
    if (table[o + T_MALFORMED]! > 0 && rnd() < table[o + T_MALFORMED]!)
      return this.fail(MALFORMED, 200, t + serviceMs);
    return t + serviceMs;
  }

  private fail(outcome: number, status: number, t: number): number {
    this.outcome = outcome;
    this.status = status;
    return t;
  }
}

/**
 * A timeout or reset toxic that hits: ms until the connection fails (Infinity: held forever,
 * capped at `cap`), or -1 when the request goes through.
 */
function linkFailure(a: Float64Array, o: number, rnd: () => number, cap: number): number {
  if (a[o + L_TIMEOUT_SHARE]! > 0 && rnd() < a[o + L_TIMEOUT_SHARE]!) {
    const ms = a[o + L_TIMEOUT_MS]!;
    return ms > 0 ? Math.min(ms, cap) : cap;
  }
  if (a[o + L_RESET_SHARE]! > 0 && rnd() < a[o + L_RESET_SHARE]!) return a[o + L_RESET_MS]!;
  return -1;
}

/**
 * Which of a list of HTTP faults match a request, one label at a time: a fault matches when every
 * key of its match does (the registry's `matches`, applied to each key on its own), so the set of
 * faults matching a request is the intersection of the sets matching each of its labels. Sets are
 * bit sets of `words` 32-bit words; the tier of each distinct set (and kind) is compiled once.
 */
class FactMasks {
  readonly words: number;
  /** Every fault whose match uses only request labels (any other key never matches). */
  readonly all: Uint32Array;
  private readonly memo = new Map<string, Uint32Array>();
  private readonly tiers = new Map<number | string, Float64Array>();

  constructor(private readonly faults: HttpFault[]) {
    this.words = Math.max(1, Math.ceil(faults.length / 32));
    this.all = new Uint32Array(this.words);
    faults.forEach((f, j) => {
      const known = Object.entries(f.match).every(
        ([key, want]) => want === undefined || (FACT_KEYS as readonly string[]).includes(key),
      );
      if (known) this.all[j >>> 5]! |= 1 << (j & 31);
    });
  }

  /** The faults whose condition on `key` holds for a request whose `key` label is `value`. */
  of(key: keyof RequestFacts, value: string | undefined): Uint32Array {
    const memoKey = value === undefined ? key : `${key}=${value}`;
    let m = this.memo.get(memoKey);
    if (!m) {
      m = new Uint32Array(this.words);
      // One label only: `matches` reads just the keys of the match it is given.
      const facts = (value === undefined ? {} : { [key]: value }) as unknown as RequestFacts;
      for (let j = 0; j < this.faults.length; j++) {
        const want = this.faults[j]!.match[key];
        if (matches({ [key]: want }, facts)) m[j >>> 5]! |= 1 << (j & 31);
      }
      this.memo.set(memoKey, m);
    }
    return m;
  }

  and(a: Uint32Array, b: Uint32Array): Uint32Array {
    const out = new Uint32Array(this.words);
    for (let w = 0; w < this.words; w++) out[w] = a[w]! & b[w]!;
    return out;
  }

  /** The tier of the faults in a ∩ b (a manifest request, or not). */
  tier(a: Uint32Array, b: Uint32Array, manifest: boolean): Float64Array {
    let key: number | string;
    if (this.words === 1) key = ((a[0]! & b[0]!) >>> 0) * 2 + (manifest ? 1 : 0);
    else {
      key = manifest ? 'm' : 'o';
      for (let w = 0; w < this.words; w++) key += `,${(a[w]! & b[w]!) >>> 0}`;
    }
    let t = this.tiers.get(key);
    if (!t) {
      const hit = this.faults.filter((_, j) => (((a[j >>> 5]! & b[j >>> 5]!) >>> (j & 31)) & 1) === 1);
      t = compileTier(hit, manifest);
      this.tiers.set(key, t);
    }
    return t;
  }

  /** The tier of a request with these facts. */
  factsTier(facts: RequestFacts): Float64Array {
    let m = this.all;
    for (const key of FACT_KEYS) m = this.and(m, this.of(key, facts[key]));
    return this.tier(m, m, facts.kind === 'manifest');
  }
}

/**
 * One tier's effects from the faults that match its requests, combined like FaultRegistry.decide:
 * each fault's module says what it does (`tier`), in fault order.
 */
function compileTier(faults: HttpFault[], manifest: boolean): Float64Array {
  const t = new TierRow();
  for (const f of faults) httpFaultModule(f.type).tier?.(f, t, manifest);
  return t.row();
}

/** A tier row being compiled: the `ModelTier` the modules write to. */
class TierRow implements ModelTier {
  private readonly t = new Float64Array(TIER);
  private statusMiss = 1;
  private hangMiss = 1;
  private malMiss = 1;
  private forceMissAcc = 1;

  status(status: number, share: number): void {
    // The first status fault that hits wins; several combine into "any of them hits".
    if (this.statusMiss === 1) this.t[T_STATUS] = status;
    this.statusMiss *= 1 - share;
  }

  delay(ms: number, share: number): void {
    // Delays add up; the model draws them together with the largest share (exact for one fault).
    this.t[T_DELAY] = this.t[T_DELAY]! + ms;
    this.t[T_DELAY_SHARE] = Math.max(this.t[T_DELAY_SHARE]!, share);
  }

  hang(share: number): void {
    this.hangMiss *= 1 - share;
  }

  malformed(share: number): void {
    this.malMiss *= 1 - share;
  }

  forceMiss(share: number): void {
    this.forceMissAcc *= 1 - share;
  }

  uncacheable(): void {
    this.t[T_CC_BAD] = 1;
  }

  row(): Float64Array {
    const t = this.t;
    t[T_STATUS_SHARE] = 1 - this.statusMiss;
    t[T_HANG] = 1 - this.hangMiss;
    t[T_MALFORMED] = 1 - this.malMiss;
    t[T_FORCE_MISS] = 1 - this.forceMissAcc;
    return t;
  }
}

/** The toxics on one link: each fault's module says what it does (`link`), in fault order. */
function compileLink(faults: TcpFault[]): Float64Array {
  const l = new LinkRow();
  for (const f of faults) tcpFaultModule(f.type).link(f, l);
  return l.l;
}

/** A link row being compiled: the `ModelLink` the modules write to. */
class LinkRow implements ModelLink {
  readonly l = new Float64Array(LINK);

  constructor() {
    this.l[L_BPS] = Number.POSITIVE_INFINITY;
  }

  down(): void {
    this.l[L_DOWN] = 1;
  }

  latency(ms: number, jitterMs: number): void {
    this.l[L_LAT] = this.l[L_LAT]! + ms;
    this.l[L_JITTER] = this.l[L_JITTER]! + jitterMs;
  }

  capBps(bps: number): void {
    this.l[L_BPS] = Math.min(this.l[L_BPS]!, bps);
  }

  timeout(ms: number, share: number): void {
    this.l[L_TIMEOUT_MS] = ms;
    this.l[L_TIMEOUT_SHARE] = Math.max(this.l[L_TIMEOUT_SHARE]!, share);
  }

  reset(ms: number, share: number): void {
    this.l[L_RESET_MS] = ms;
    this.l[L_RESET_SHARE] = Math.max(this.l[L_RESET_SHARE]!, share);
  }

  limit(bytes: number, share: number): void {
    this.l[L_LIMIT] = bytes;
    this.l[L_LIMIT_SHARE] = Math.max(this.l[L_LIMIT_SHARE]!, share);
  }

  slice(msPerByte: number): void {
    this.l[L_SLICE_MS_PER_BYTE] = this.l[L_SLICE_MS_PER_BYTE]! + msPerByte;
  }
}

/** No status, delay, hang or malformed body (cache effects are folded into the miss ratios). */
function isCleanTier(t: Float64Array): boolean {
  return t[T_STATUS_SHARE] === 0 && t[T_DELAY_SHARE] === 0 && t[T_HANG] === 0 && t[T_MALFORMED] === 0;
}

function isCleanLink(l: Float64Array): boolean {
  return (
    l[L_DOWN] === 0 &&
    l[L_LAT] === 0 &&
    l[L_JITTER] === 0 &&
    l[L_BPS] === Number.POSITIVE_INFINITY &&
    l[L_TIMEOUT_SHARE] === 0 &&
    l[L_RESET_SHARE] === 0 &&
    l[L_LIMIT_SHARE] === 0 &&
    l[L_SLICE_MS_PER_BYTE] === 0
  );
}
