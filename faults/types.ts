/**
 * The vocabulary of HTTP-level faults: what a server knows about one request (`RequestFacts`),
 * what a fault matches on, and what it does to the request (`RequestEffects`).
 *
 * TCP faults (latency, bandwidth, timeout, reset, down) are not here: they go through the fault
 * proxy (`proxy/`) on any link.
 */
import { z } from 'zod';

export const COMPONENTS = [
  'origin',
  'backup-origin',
  'shield',
  'edge',
  'licence',
  'steering',
  'entry',
] as const;
export type Component = (typeof COMPONENTS)[number];

export const OBJECT_KINDS = ['manifest', 'init', 'segment', 'licence', 'steering'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** What a server knows about one request. Every field is a label a fault can match. */
export interface RequestFacts {
  component: Component;
  cdn?: string;
  pop?: string;
  region?: string;
  isp?: string;
  channel?: string;
  /** `clear` or `enc`. */
  variant?: string;
  kind?: ObjectKind;
  rendition?: string;
  /** DRM label of a licence request (e.g. `playready`), ClearKey underneath. */
  drm?: string;
  deviceClass?: string;
}

const label = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Which requests a fault hits: every given key must match (a list matches any of its values). */
export const MatchSchema = z
  .strictObject({
    component: z.union([z.enum(COMPONENTS), z.array(z.enum(COMPONENTS)).min(1)]).optional(),
    cdn: label.optional(),
    pop: label.optional(),
    region: label.optional(),
    isp: label.optional(),
    channel: label.optional(),
    variant: label.optional(),
    kind: z.union([z.enum(OBJECT_KINDS), z.array(z.enum(OBJECT_KINDS)).min(1)]).optional(),
    rendition: label.optional(),
    drm: label.optional(),
    deviceClass: label.optional(),
  })
  .describe('labels a request must carry for the fault to hit it');
export type Match = z.infer<typeof MatchSchema>;

const share = z.number().min(0).max(1).default(1).describe('share of matching requests hit (0..1)');
const base = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .optional(),
  match: MatchSchema.default({}),
};

/** Every HTTP fault streamdrill can inject, as validated input (from the control API or a scenario). */
export const HttpFaultSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('http-status'),
    status: z.number().int().min(400).max(599),
    share,
  }),
  z.strictObject({
    ...base,
    type: z.literal('http-delay'),
    delayMs: z.number().int().min(1).max(600_000),
    share,
  }),
  /** The request is never answered while the fault lasts (a hung licence server, a black-holed POP). */
  z.strictObject({ ...base, type: z.literal('http-hang'), share }),
  /** The channel's manifests stop advancing at the moment the fault is added. */
  z.strictObject({ ...base, type: z.literal('manifest-freeze') }),
  /** Manifests come back syntactically broken (truncated, tags mangled). */
  z.strictObject({ ...base, type: z.literal('manifest-malformed'), share }),
  /** The packager loses `length` segments out of every `every`. */
  z.strictObject({
    ...base,
    type: z.literal('segment-gap'),
    every: z.number().int().min(2).max(1000).default(5),
    length: z.number().int().min(1).max(100).default(1),
  }),
  /** Audio timestamps drift from video by `msPerMinute` per minute of fault (A/V drift). */
  z.strictObject({
    ...base,
    type: z.literal('av-drift'),
    msPerMinute: z.number().min(-60_000).max(60_000).default(500),
  }),
  /** Caches at the matching POPs stop hitting: every request goes to the parent (a shield misconfiguration). */
  z.strictObject({ ...base, type: z.literal('cache-force-miss'), share }),
  /** Responses carry a malformed Cache-Control header, which caches cannot honour. */
  z.strictObject({
    ...base,
    type: z.literal('cache-control-malformed'),
    value: z.string().default('max-age=,, public;;'),
  }),
]);
export type HttpFaultInput = z.input<typeof HttpFaultSchema>;
export type HttpFault = z.output<typeof HttpFaultSchema> & { id: string; addedAtMs: number };

/** What the faults in force do to one request. */
export interface RequestEffects {
  /** Answer with this status instead of the real response. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (until the fault is removed or the client gives up). */
  hang?: boolean;
  /** Serve a broken manifest. */
  malformed?: boolean;
  /** Bypass the cache at this POP. */
  forceMiss?: boolean;
  /** Replace the Cache-Control header with this value. */
  cacheControl?: string;
  /** Ids of the faults that hit this request. */
  faultIds: string[];
}

/** Per-channel packaging faults, read by the live origin on every request. */
export interface ChannelFaultState {
  frozenAtMs?: number;
  isGap?: (n: number) => boolean;
  audioOffsetMs?: (n: number) => number;
}
