/**
 * The fault registry: every fault type streamdrill can inject, one module each (see `fault.ts` for
 * what a module holds), listed once here. The scenario schema, the stack's control API, the CLI's
 * lists, the docs and the population model all read this list; there is no other.
 *
 * Adding a fault type: write its module beside the others (`http/`, `tcp/` or `change/`) with its
 * test, and add it to the layer's list below.
 */
import { z } from 'zod';
import { deploy } from './change/deploy.ts';
import { flag } from './change/flag.ts';
import type {
  ChangeInput,
  ChangeModule,
  FaultIssue,
  FaultLocation,
  FaultModule,
  FaultTargets,
  HttpFaultModule,
  TcpFaultModule,
} from './fault.ts';
import { avDrift } from './http/av-drift.ts';
import { cacheControlMalformed } from './http/cache-control-malformed.ts';
import { cacheForceMiss } from './http/cache-force-miss.ts';
import { contentTypeWrong } from './http/content-type-wrong.ts';
import { httpDelay } from './http/http-delay.ts';
import { httpHang } from './http/http-hang.ts';
import { httpStatus } from './http/http-status.ts';
import { manifestFreeze } from './http/manifest-freeze.ts';
import { manifestMalformed } from './http/manifest-malformed.ts';
import { segmentGap } from './http/segment-gap.ts';
import { locateHttp } from './http/targets.ts';
import { bandwidth } from './tcp/bandwidth.ts';
import { linkMatches, TCP_COMMON_PARAMS } from './tcp/define.ts';
import { down } from './tcp/down.ts';
import { latency } from './tcp/latency.ts';
import { limitData } from './tcp/limit-data.ts';
import { locateTcp } from './tcp/locate.ts';
import { resetPeer } from './tcp/reset-peer.ts';
import { slicer } from './tcp/slicer.ts';
import { slowClose } from './tcp/slow-close.ts';
import { timeout } from './tcp/timeout.ts';
import type { Match } from './types.ts';

/** Faults on requests the stack's servers answer (matched by request labels). */
export const HTTP_FAULTS = [
  httpStatus,
  httpDelay,
  httpHang,
  manifestFreeze,
  manifestMalformed,
  segmentGap,
  avDrift,
  cacheForceMiss,
  cacheControlMalformed,
  contentTypeWrong,
] as const;

/** Faults on fault-proxy links (selected by link labels): Toxiproxy's toxics and `down`. */
export const TCP_FAULTS = [
  latency,
  bandwidth,
  slowClose,
  timeout,
  resetPeer,
  slicer,
  limitData,
  down,
] as const;

/** Changes a scenario steps like faults: deploys and feature flags. */
export const CHANGES = [deploy, flag] as const;

export type HttpFaultType = (typeof HTTP_FAULTS)[number]['type'];
export type TcpFaultType = (typeof TCP_FAULTS)[number]['type'];
export type ChangeType = (typeof CHANGES)[number]['type'];
export type FaultType = HttpFaultType | TcpFaultType | ChangeType;

export const FAULTS: readonly FaultModule[] = [...HTTP_FAULTS, ...TCP_FAULTS, ...CHANGES];
export const HTTP_FAULT_TYPES = HTTP_FAULTS.map((m) => m.type) as HttpFaultType[];
export const TCP_FAULT_TYPES = TCP_FAULTS.map((m) => m.type) as TcpFaultType[];
export const FAULT_TYPES = FAULTS.map((m) => m.type) as [FaultType, ...FaultType[]];

type Schemas<M extends readonly { schema: z.ZodType }[]> = { -readonly [K in keyof M]: M[K]['schema'] };
const schemas = <M extends readonly { schema: z.ZodType }[]>(ms: M) =>
  ms.map((m) => m.schema) as unknown as Schemas<M>;

/** Every HTTP fault, as validated input (from the control API or a scenario). */
export const HttpFaultSchema = z.discriminatedUnion('type', schemas(HTTP_FAULTS));
export type HttpFaultInput = z.input<typeof HttpFaultSchema>;
export type HttpFault = z.output<typeof HttpFaultSchema> & { id: string; addedAtMs: number };

/** Every TCP fault, as validated input: a toxic with its attributes, or `down`. */
export const TcpFaultSchema = z.discriminatedUnion('type', schemas(TCP_FAULTS));
/** A TCP fault's input; its attributes are checked by its type's schema (`TcpFaultSchema`). */
export type TcpFaultInput = Omit<z.input<typeof TcpFaultSchema>, 'attributes'> & {
  attributes?: Record<string, number>;
};

const BY_TYPE = new Map<string, FaultModule>(FAULTS.map((m) => [m.type, m]));

export function faultModule(type: string): FaultModule | undefined {
  return BY_TYPE.get(type);
}

export function httpFaultModule(type: string): HttpFaultModule {
  const m = BY_TYPE.get(type);
  if (m?.layer !== 'http') throw new Error(`no HTTP fault type ${type}`);
  return m;
}

export function tcpFaultModule(type: string): TcpFaultModule {
  const m = BY_TYPE.get(type);
  if (m?.layer !== 'tcp') throw new Error(`no TCP fault type ${type}`);
  return m;
}

// ---------------------------------------------------------------- scenario steps

/** A scenario step compiled to what the stack (real or virtual) takes. */
export type CompiledFault =
  | { layer: 'http'; input: HttpFaultInput }
  | { layer: 'tcp'; input: TcpFaultInput }
  | ChangeInput;

/** Turns a step's fault, target and params into the stack's input (scenarios/load.ts then validates it). */
export function compileStep(step: {
  fault: string;
  target: Record<string, string | string[]>;
  params: Record<string, unknown>;
}): CompiledFault {
  const { fault, target, params } = step;
  const m = BY_TYPE.get(fault);
  if (!m) throw new Error(`no fault type ${fault}`);
  if (m.layer === 'http') {
    return { layer: 'http', input: { type: fault, match: target, ...params } as HttpFaultInput };
  }
  if (m.layer === 'tcp') {
    const { stream, toxicity, ...attributes } = params;
    const input: Record<string, unknown> = { type: fault, match: target, attributes };
    if (stream !== undefined) input.stream = stream;
    if (toxicity !== undefined) input.toxicity = toxicity;
    return { layer: 'tcp', input: input as TcpFaultInput };
  }
  return m.compile(params);
}

/** A path in a compiled input (match, attributes, status...) as it is written in a step (target, params). */
export function stepPath(path: readonly PropertyKey[], layer: CompiledFault['layer']): PropertyKey[] {
  if (layer === 'deploy' || layer === 'flag') return ['params', ...path];
  const [head, ...rest] = path;
  if (head === 'match') return ['target', ...rest];
  if (head === 'attributes') return ['params', ...rest];
  if (head === 'type') return ['fault'];
  return ['params', ...path];
}

/** The parameters a step of this fault type takes (for messages and the CLI). */
export function paramNames(type: string): readonly string[] {
  const m = BY_TYPE.get(type);
  if (!m) return [];
  if (m.layer === 'http') return m.params;
  if (m.layer === 'tcp') return [...m.attributes, ...TCP_COMMON_PARAMS];
  return Object.keys((m.schema as z.ZodObject).shape);
}

/** A numeric parameter a ramp can move (undefined: the fault has none of that name). */
export function rampParam(type: string, param: string): { int: boolean; default?: number } | undefined {
  return BY_TYPE.get(type)?.rampable[param];
}

/** Where a compiled fault lives in this stack (the ground truth for escalation and paging). */
export function locate(c: CompiledFault, targets: FaultTargets): FaultLocation[] {
  if (c.layer === 'http') {
    const f = HttpFaultSchema.parse(c.input);
    return locateHttp(httpFaultModule(f.type), f.match as Match, targets);
  }
  if (c.layer === 'tcp') {
    const f = TcpFaultSchema.parse(c.input);
    const links = targets.links.filter((l) => linkMatches(l, f.match)).map((l) => l.name);
    return locateTcp(links, targets);
  }
  // A compiled change carries its params by name (component, version; flag, brokenFor).
  const m = BY_TYPE.get(c.layer) as ChangeModule;
  return m.locate(c as unknown as Record<string, unknown>, targets);
}

export type { FaultIssue, FaultLocation, FaultModule, FaultTargets };
