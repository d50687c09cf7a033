/**
 * FaultModel.compile against the straightforward compile it replaced: every request context's
 * facts built in full and matched against every fault with the registry's own `matches`, each tier
 * combined in fault order. The tables must be equal, value for value, for random fault sets (more
 * than 32 faults too, past one word of the fault bit sets).
 */
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../core/rng.ts';
import type { HttpFault } from '../faults/index.ts';
import type { TcpFault } from '../faults/tcp.ts';
import { type Component, matches, type ObjectKind, type RequestFacts } from '../faults/types.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { withConstants } from './constants.ts';
import { Dims, KINDS, VARIANTS } from './dims.ts';
import { FaultModel } from './fault-model.ts';
import { loadLadders } from './media.ts';
import { OriginQueue } from './origin-queue.ts';

interface Tables {
  routes: Float64Array;
  licence: Float64Array;
  entry: Float64Array;
  steering: Float64Array;
}

const TIER = 8;

/** The tier compile as it was: one fault after another, for one request's facts. */
function referenceTier(faults: HttpFault[], facts: RequestFacts): Float64Array {
  const t = new Float64Array(TIER);
  let statusMiss = 1;
  let hangMiss = 1;
  let malMiss = 1;
  let forceMiss = 1;
  for (const f of faults) {
    if (!matches(f.match, facts)) continue;
    switch (f.type) {
      case 'http-status':
        if (statusMiss === 1) t[0] = f.status;
        statusMiss *= 1 - f.share;
        break;
      case 'http-delay':
        t[2] = t[2]! + f.delayMs;
        t[3] = Math.max(t[3]!, f.share);
        break;
      case 'http-hang':
        hangMiss *= 1 - f.share;
        break;
      case 'manifest-malformed':
        if (facts.kind === 'manifest') malMiss *= 1 - f.share;
        break;
      case 'cache-force-miss':
        forceMiss *= 1 - f.share;
        break;
      case 'cache-control-malformed':
        t[7] = 1;
        break;
      default:
        break;
    }
  }
  t[1] = 1 - statusMiss;
  t[4] = 1 - hangMiss;
  t[5] = 1 - malMiss;
  t[6] = 1 - forceMiss;
  return t;
}

/** Each context's three tiers by facts, as the original compile built them. */
function referenceTiers(d: Dims, http: HttpFault[], origin: Component) {
  const out = new Map<number, Float64Array[]>();
  for (let c = 0; c < d.cdns.length; c++) {
    const cdn = d.cdns[c]!;
    for (let p = 0; p < d.pops.length; p++) {
      const pop = d.pops[p]!;
      const region = d.regions[d.popRegion[p]!]!;
      for (let i = 0; i < d.isps.length; i++) {
        if (d.ispRegion[i] !== d.popRegion[p]) continue;
        const isp = d.isps[i]!;
        for (let ch = 0; ch < d.channels.length; ch++) {
          const ladder = d.ladders[ch]!;
          for (let v = 0; v < 2; v++) {
            for (let dev = 0; dev < d.devices.length; dev++) {
              for (let r = 0; r < d.rungs; r++) {
                for (let kind = 0; kind < KINDS.length; kind++) {
                  const common = {
                    channel: ladder.channel,
                    variant: VARIANTS[v]!,
                    kind: KINDS[kind] as ObjectKind,
                    rendition: ladder.video[Math.min(r, ladder.video.length - 1)]!.id,
                    deviceClass: d.devices[dev]!,
                  };
                  out.set(d.route(c, p, i, ch, v, dev, r, kind), [
                    referenceTier(http, { component: 'edge', cdn, pop, region, isp, ...common }),
                    referenceTier(http, {
                      component: 'shield',
                      cdn,
                      pop: `shield-${region}`,
                      region,
                      isp,
                      ...common,
                    }),
                    referenceTier(http, { component: origin, ...common }),
                  ]);
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

function randomFaults(rng: Rng, d: Dims, n: number): HttpFault[] {
  const values: Record<string, readonly string[]> = {
    component: ['edge', 'shield', 'origin', 'backup-origin', 'licence', 'entry', 'steering'],
    cdn: [...d.cdns, 'cdn-z'],
    pop: [...d.pops, 'shield-emea', 'shield-na'],
    region: d.regions,
    isp: d.isps,
    channel: d.channels,
    variant: VARIANTS,
    kind: KINDS,
    rendition: d.ladders.flatMap((l) => l.video.map((r) => r.id)),
    drm: d.drmLabels,
    deviceClass: d.devices,
  };
  const keys = Object.keys(values);
  const faults: HttpFault[] = [];
  for (let f = 0; f < n; f++) {
    const match: Record<string, string | string[]> = {};
    for (let k = rng.int(4); k > 0; k--) {
      const key = pick(rng, keys);
      const vs = values[key]!;
      match[key] = rng.next() < 0.3 ? [pick(rng, vs), pick(rng, vs)] : pick(rng, vs);
    }
    const share = rng.next() < 0.2 ? 1 : Math.round(rng.next() * 100) / 100;
    const common = { id: `f${f}`, addedAtMs: 0, match };
    const type = pick(rng, [
      'http-status',
      'http-delay',
      'http-hang',
      'manifest-malformed',
      'cache-force-miss',
      'cache-control-malformed',
      'manifest-freeze',
      // Ignored by both players (measured): the reference compiles nothing for it.
      'content-type-wrong',
    ] as const);
    if (type === 'http-status') faults.push({ ...common, type, status: pick(rng, [404, 500, 503]), share });
    else if (type === 'http-delay') faults.push({ ...common, type, delayMs: 1 + rng.int(5000), share });
    else if (type === 'cache-control-malformed') faults.push({ ...common, type, value: 'x' });
    else if (type === 'manifest-freeze') faults.push({ ...common, type });
    else if (type === 'content-type-wrong') faults.push({ ...common, type, contentType: 'text/html', share });
    else faults.push({ ...common, type, share });
  }
  return faults;
}

describe('FaultModel.compile', () => {
  const topology = resolveTopology({});
  const ladders = loadLadders();
  const d = new Dims(topology, ladders);
  const k = withConstants();

  for (const [n, origin] of [
    [0, 'primary'],
    [5, 'primary'],
    [12, 'backup'],
    [40, 'primary'],
  ] as const) {
    it(`matches the per-request compile for ${n} random HTTP faults (${origin} origin)`, () => {
      const rng = createRng(`fault-model-${n}-${origin}`);
      const http = randomFaults(rng, d, n);
      const tcp: TcpFault[] = [
        {
          id: 't1',
          type: 'latency',
          links: [`viewer.${d.cdns[0]}.${d.pops[0]}.${d.isps[0]}`, 'viewer.licence'],
          stream: 'downstream',
          toxicity: 1,
          attributes: { latency: 300, jitter: 50 },
          match: {},
          addedAtMs: 0,
        },
      ];
      const model = new FaultModel(d, k, [new OriginQueue(16, 10, 1), new OriginQueue(16, 10, 1)], () => 0.5);
      model.compile(http, tcp, origin);
      const tables = model as unknown as Tables;
      const originComponent: Component = origin === 'backup' ? 'backup-origin' : 'origin';
      const ref = referenceTiers(d, http, originComponent);
      const ROW = tables.routes.length / d.routes;
      let rows = 0;
      const distinct = new Set<string>();
      for (const [route, [e, s, o]] of ref) {
        const row = Array.from(tables.routes.subarray(route * ROW, route * ROW + 4 + 3 * TIER));
        const want = [...e!, ...s!, ...o!];
        expect(row.slice(4)).toEqual(want);
        rows++;
        distinct.add(want.join());
      }
      expect(rows).toBeGreaterThan(1000);
      // The faults treat contexts differently (they match some, not others).
      if (n > 0) expect(distinct.size).toBeGreaterThan(3);
      // Licence, entry and steering rows: their tier part.
      const SROW = tables.steering.length / d.regions.length;
      d.drmLabels.forEach((drm, m) => {
        const want = referenceTier(http, { component: 'licence', kind: 'licence', drm });
        expect(Array.from(tables.licence.subarray(m * SROW, m * SROW + TIER))).toEqual(Array.from(want));
      });
      d.regions.forEach((region, r) => {
        const want = referenceTier(http, { component: 'steering', kind: 'steering', region });
        expect(Array.from(tables.steering.subarray(r * SROW, r * SROW + TIER))).toEqual(Array.from(want));
      });
      for (let i = 0; i < d.isps.length; i++) {
        for (let ch = 0; ch < d.channels.length; ch++) {
          for (let v = 0; v < 2; v++) {
            for (let dev = 0; dev < d.devices.length; dev++) {
              const row = model.entryRow(i, ch, v, dev) * SROW;
              const want = referenceTier(http, {
                component: 'entry',
                region: d.regions[d.ispRegion[i]!]!,
                isp: d.isps[i]!,
                channel: d.channels[ch]!,
                variant: VARIANTS[v]!,
                kind: 'manifest',
                deviceClass: d.devices[dev]!,
              });
              expect(Array.from(tables.entry.subarray(row, row + TIER))).toEqual(Array.from(want));
            }
          }
        }
      }
    });
  }
});
