/**
 * The one small interface every fault type implements, in the spirit of `proxy/toxics/` (and
 * Toxiproxy's `toxics/`): one module per fault type — `faults/http/*.ts` (faults on requests the
 * stack's servers answer), `faults/tcp/*.ts` (toxics and `down` on fault-proxy links) and
 * `faults/change/*.ts` (deploys and feature flags, which a scenario steps like faults) — each
 * registered once in `faults/index.ts`. A module holds:
 *
 * - its parameter schema (zod): what a scenario step's `params` and the control API accept;
 * - its effect on the real stack: for HTTP faults what it does to a request, a response or a
 *   channel (the stack's hooks ask the fault registry, `registry.ts`, which asks the module); for
 *   TCP faults how the fault proxy applies it to a link; for changes, the stack's own control call;
 * - its effect in the population model, in the model's own terms (`ModelTier`, `ModelLink`): the
 *   simulator's fault model asks the module instead of switching on the type, and `modelled` says
 *   in one line what the model does with it (including "nothing, and why");
 * - its one-line `description` (scenarios show, `stack fault add --help`, docs/stack.md);
 * - its ground truth: where the fault lives (`locate`), the party and component it is in, which the
 *   judge uses to score escalation and vendor paging.
 */
import type { z } from 'zod';
import type { FaultProxy } from '../proxy/client.ts';
import type {
  ChannelFaultState,
  Component,
  Match,
  ObjectKind,
  RequestEffects,
  RequestFacts,
} from './types.ts';

/** Request labels whose values come from the topology and the media (component and kind are fixed). */
export const TARGET_LABELS = [
  'cdn',
  'pop',
  'region',
  'isp',
  'channel',
  'variant',
  'rendition',
  'drm',
  'deviceClass',
] as const satisfies readonly (keyof RequestFacts)[];
export type TargetLabel = (typeof TARGET_LABELS)[number];

/** A link a TCP fault can select: its fault-proxy name and its labels (link, cdn, pop, region, isp, origin). */
export interface FaultLink {
  name: string;
  labels: Record<string, string>;
}

/**
 * What a stack is made of, as faults name it: the values each request label takes, the links, the
 * deployable components and the feature flags. Built from the topology and the media by
 * `origin-stub/targets.ts`; faults are checked against it when they are added (a typo'd POP is an
 * error, not a fault that silently hits nothing) and located in it.
 */
export interface FaultTargets {
  labels: Readonly<Record<TargetLabel, readonly string[]>>;
  /** The shields among `labels.pop` (a shield is named `shield-<region>`, its edges by POP code). */
  shields: readonly string[];
  links: readonly FaultLink[];
  /** Deployable components (`deploy` steps). */
  components: readonly string[];
  /** Feature flags (`flag` steps). */
  flags: readonly string[];
}

/** An input problem: the path inside the fault's input (match, attributes, params...) and what was expected. */
export interface FaultIssue {
  path: (string | number)[];
  message: string;
}

// ---------------------------------------------------------------- ground truth

/**
 * Whose part is failing: the CDN and ISP are vendors (paged as `vendor:<name>`), the rest are
 * in-house specialists (`sme:<party>`).
 */
export const PARTIES = [
  'origin',
  'packager',
  'encoder',
  'cdn',
  'isp',
  'drm',
  'steering',
  'player',
  'ads',
] as const;
export type Party = (typeof PARTIES)[number];

/**
 * Where a fault lives. `component` is the part inside the party (edge, shield, origin,
 * backup-origin, entry, packager, encoder, last-mile, edge-shield, shield-origin, licence,
 * steering, player, ad-pod); the lists narrow it to the named parts it is confined to (absent: not
 * narrowed by that label). `owners` is who to call, in the paging vocabulary (`vendor:cdn-a`,
 * `vendor:eu-cable`, `sme:drm`, ...).
 */
export interface FaultLocation {
  party: Party;
  component: string;
  cdn?: string[];
  pop?: string[];
  region?: string[];
  isp?: string[];
  /** Which origin: `origin` (primary) or `backup-origin`. */
  origin?: string[];
  channel?: string[];
  variant?: string[];
  deviceClass?: string[];
  drm?: string[];
  player?: string[];
  /** A deployed version (deploy steps). */
  version?: string;
  flag?: string;
  owners: string[];
}

// ---------------------------------------------------------------- the population model's terms

/**
 * What faults do to one tier (an edge, a shield, an origin, or the licence, entry or steering
 * service) of the population model. The fault model (simulator/fault-model.ts) owns the row layout
 * and how effects combine; a module only says which effects it has.
 */
export interface ModelTier {
  /** `share` of requests answered with `status` (the first status fault to hit wins). */
  status(status: number, share: number): void;
  /** `ms` added to `share` of requests. */
  delay(ms: number, share: number): void;
  /** `share` of requests never answered. */
  hang(share: number): void;
  /** `share` of manifests come back unparsable. */
  malformed(share: number): void;
  /** The cache at this tier misses `share` of the requests it would have hit. */
  forceMiss(share: number): void;
  /** Responses carry a Cache-Control that caches cannot honour: caches below cannot store them. */
  uncacheable(): void;
}

/** What faults do to one link of the population model (attributes in Toxiproxy's units, converted here). */
export interface ModelLink {
  /** Connections refused. */
  down(): void;
  /** Mean latency and jitter added, ms. */
  latency(ms: number, jitterMs: number): void;
  /** Downstream throughput capped at this many bits/s. */
  capBps(bps: number): void;
  /** `share` of connections time out after `ms` (0: held forever). */
  timeout(ms: number, share: number): void;
  /** `share` of connections reset after `ms`. */
  reset(ms: number, share: number): void;
  /** `share` of responses longer than `bytes` cut off. */
  limit(bytes: number, share: number): void;
  /** Extra ms per byte (data sliced with delays). */
  slice(msPerByte: number): void;
}

// ---------------------------------------------------------------- modules

/** An HTTP fault as the registry holds it: validated, with its id and the time it was added. */
export interface PlacedHttpFault {
  id: string;
  type: string;
  match: Match;
  addedAtMs: number;
}

export interface FaultModuleBase {
  readonly type: string;
  /** One line: what it does (scenarios show, `stack fault add --help`, docs/stack.md). */
  readonly description: string;
  /** One line: what the population model does with it. */
  readonly modelled: string;
  /** Numeric parameters a ramp can move, by their name in a scenario step's `params`. */
  readonly rampable: Readonly<Record<string, { int: boolean; default?: number }>>;
}

export interface HttpFaultModule extends FaultModuleBase {
  readonly layer: 'http';
  /** The whole input: id, match, type and the module's parameters. */
  readonly schema: z.ZodType;
  /** The parameter names (beyond id, match and type). */
  readonly params: readonly string[];
  /** Where it acts: the components whose requests it can change, and the object kinds (absent: all). */
  readonly acts: { components: readonly Component[]; kinds?: readonly ObjectKind[]; party?: Party };
  /**
   * Its effect on one matching request, added to `effects`; `hit(share)` draws whether a share
   * hits. Returns true when it changed the request. Absent: it acts on channels, not requests.
   */
  decide?(
    fault: PlacedHttpFault,
    facts: RequestFacts,
    effects: RequestEffects,
    hit: (share: number) => boolean,
  ): boolean;
  /** Its effect on a channel the origin packages (freeze, gaps, drift); `now` is the clock. */
  channel?(fault: PlacedHttpFault, state: ChannelFaultState, now: () => number): void;
  /** Its effect in the population model on a tier whose requests it matches. */
  tier?(fault: PlacedHttpFault, tier: ModelTier, manifest: boolean): void;
  /** Checks beyond the schema (e.g. a match that leaves it nothing to act on). */
  check?(fault: PlacedHttpFault): FaultIssue[];
}

/** A TCP fault as planned: the links it selected, its stream, toxicity and attributes. */
export interface PlacedTcpFault {
  id: string;
  type: string;
  links: string[];
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/** The fault proxy as TCP fault modules drive it. */
export type LinkProxy = Pick<FaultProxy, 'addToxic' | 'removeToxic' | 'setEnabled'>;

export interface TcpFaultModule extends FaultModuleBase {
  readonly layer: 'tcp';
  readonly schema: z.ZodType;
  /** Attribute names (in Toxiproxy's units). */
  readonly attributes: readonly string[];
  /** Applies it to one link through the fault proxy, and takes it off again. */
  apply(fault: PlacedTcpFault, link: string, proxy: LinkProxy): Promise<void>;
  undo(fault: PlacedTcpFault, link: string, proxy: LinkProxy): Promise<void>;
  /** Its effect in the population model on each selected link. */
  link(fault: PlacedTcpFault, link: ModelLink): void;
}

/** A deploy or a flag change, as a scenario steps it. */
export type ChangeInput =
  | { layer: 'deploy'; component: string; version: string }
  | { layer: 'flag'; flag: string; enabled: boolean; brokenFor?: string[] };

export interface ChangeModule extends FaultModuleBase {
  readonly layer: 'change';
  /** The step's `params`. */
  readonly schema: z.ZodType;
  /** The stack call a step makes, from its (unvalidated) params. */
  compile(params: Record<string, unknown>): ChangeInput;
  /** Checks against the stack (known components, flags, device classes). */
  check(params: Record<string, unknown>, targets: FaultTargets): FaultIssue[];
  locate(params: Record<string, unknown>, targets: FaultTargets): FaultLocation[];
}

export type FaultModule = HttpFaultModule | TcpFaultModule | ChangeModule;
