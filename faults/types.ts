/**
 * The shared vocabulary of HTTP faults: what a server knows about one request (`RequestFacts`), what
 * a fault matches on (`Match`, `matches`), which labels each component's requests carry, and what
 * faults do to a request (`RequestEffects`) or to a channel the origin packages
 * (`ChannelFaultState`). The fault types themselves are modules under `faults/http/`.
 *
 * TCP faults (latency, bandwidth, timeout, reset, down) are not here: they go through the fault
 * proxy (`proxy/`) on any link (`faults/tcp/`).
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

/**
 * The labels each component's requests carry (besides `component`), and the kinds of object it
 * serves: what the stack's hooks derive (origin-stub/cdn/pop.ts, origin-stub/faults/, the entry
 * point, the licence hook) and what the population model compiles its tiers from. A match on a
 * label a component's requests lack never hits that component.
 */
export const COMPONENT_FACTS: Readonly<
  Record<Component, { labels: readonly (keyof RequestFacts)[]; kinds: readonly ObjectKind[] }>
> = {
  edge: {
    labels: ['cdn', 'pop', 'region', 'isp', 'channel', 'variant', 'kind', 'rendition', 'deviceClass'],
    kinds: ['manifest', 'init', 'segment'],
  },
  shield: {
    labels: ['cdn', 'pop', 'region', 'isp', 'channel', 'variant', 'kind', 'rendition', 'deviceClass'],
    kinds: ['manifest', 'init', 'segment'],
  },
  origin: {
    labels: ['channel', 'variant', 'kind', 'rendition', 'deviceClass'],
    kinds: ['manifest', 'init', 'segment'],
  },
  'backup-origin': {
    labels: ['channel', 'variant', 'kind', 'rendition', 'deviceClass'],
    kinds: ['manifest', 'init', 'segment'],
  },
  entry: { labels: ['region', 'isp', 'channel', 'variant', 'kind', 'deviceClass'], kinds: ['manifest'] },
  licence: { labels: ['kind', 'drm'], kinds: ['licence'] },
  steering: { labels: ['kind', 'region'], kinds: ['steering'] },
};

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

/** Every label a request can carry (`RequestFacts`), in MatchSchema's order. */
export const FACT_KEYS = Object.keys(MatchSchema.shape) as (keyof RequestFacts)[];

/** True when every key of the match is satisfied by the facts (a list matches any of its values). */
export function matches(match: Match, facts: RequestFacts): boolean {
  for (const [key, want] of Object.entries(match)) {
    if (want === undefined) continue;
    const have = facts[key as keyof RequestFacts];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !(want as string[]).includes(have) : want !== have) return false;
  }
  return true;
}

/** The values a match names for a key (absent: undefined, not narrowed). */
export function matchValues(match: Match, key: keyof Match): string[] | undefined {
  const want = match[key];
  if (want === undefined) return undefined;
  return Array.isArray(want) ? [...want] : [want];
}

/**
 * What the faults in force do to one request, in terms every server of the stack can apply:
 * before answering (hang, delay, status), and on the way out (headers, a rewritten text body).
 */
export interface RequestEffects {
  /** Answer with this status instead of the real response. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (until the fault is removed or the client gives up). */
  hang?: boolean;
  /** Bypass the cache at this POP. */
  forceMiss?: boolean;
  /** Response headers (lower-case names) set over what the server would send. */
  headers?: Record<string, string>;
  /** Rewrites a successful text body (a manifest) on the way out. */
  rewrite?: (body: string) => string;
  /** Ids of the faults that hit this request. */
  faultIds: string[];
}

/** Per-channel packaging faults, read by the live origin on every request. */
export interface ChannelFaultState {
  frozenAtMs?: number;
  isGap?: (n: number) => boolean;
  audioOffsetMs?: (n: number) => number;
}
