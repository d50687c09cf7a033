/**
 * The shape of the stub stack: regions with their POPs and ISPs, the CDNs, device classes with the
 * DRM system each believes it uses. Defaults follow the worked example: two CDNs (cdn-a primary,
 * cdn-b secondary on standby with content steering) serving North America and Europe.
 */
import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes');

export const TopologySchema = z.strictObject({
  cdns: z.array(name).min(1).default(['cdn-a', 'cdn-b']),
  regions: z
    .record(name, z.strictObject({ pops: z.array(name).min(1), isps: z.array(name).min(1) }))
    .default({
      emea: { pops: ['fra', 'ams', 'par'], isps: ['eu-telco', 'eu-cable'] },
      na: { pops: ['iad', 'sjc'], isps: ['na-telco', 'na-cable'] },
    }),
  /** Device classes and the DRM label each uses; ClearKey carries the keys underneath every label. */
  deviceClasses: z
    .record(name, z.strictObject({ drm: name }))
    .default({ desktop: { drm: 'widevine' }, mobile: { drm: 'fairplay' }, tv: { drm: 'playready' } }),
  /** Pathway priority per region at start (first = preferred). Default: every region on cdns[0] first. */
  steering: z.record(name, z.array(name).min(1)).optional(),
  /** Steering TTL in seconds: how long players keep a steering answer. */
  steeringTtlSeconds: z.number().int().min(1).max(3600).default(10),
  /** Origin capacity: concurrent pulls served at once, and the time each holds its slot. */
  origin: z
    .strictObject({
      concurrency: z.number().int().min(1).default(16),
      serviceMs: z.number().min(0).default(10),
    })
    .default({ concurrency: 16, serviceMs: 10 }),
});
export type TopologyInput = z.input<typeof TopologySchema>;
export type Topology = z.output<typeof TopologySchema>;

export function resolveTopology(input: TopologyInput = {}): Topology {
  const t = TopologySchema.parse(input);
  for (const [region, order] of Object.entries(t.steering ?? {})) {
    if (!(region in t.regions)) throw new Error(`steering names unknown region ${region}`);
    for (const cdn of order)
      if (!t.cdns.includes(cdn)) throw new Error(`steering for ${region} names unknown CDN ${cdn}`);
  }
  return t;
}

/** Default pathway order for a region: the configured one, else the CDNs in declaration order. */
export function defaultPriority(t: Topology, region: string): string[] {
  const configured = t.steering?.[region];
  if (!configured) return [...t.cdns];
  return [...configured, ...t.cdns.filter((c) => !configured.includes(c))];
}

/** Request routing: the POP of a CDN that serves a viewer, stable per session. */
export function routePop(t: Topology, region: string, sessionId: string): string {
  const pops = t.regions[region]?.pops;
  if (!pops) throw new Error(`unknown region ${region}`);
  let h = 2166136261;
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 16777619);
  return pops[(h >>> 0) % pops.length]!;
}

export function regionOfPop(t: Topology, pop: string): string | undefined {
  return Object.entries(t.regions).find(([, r]) => r.pops.includes(pop))?.[0];
}
