/**
 * How an HTTP fault module is written: its type, description, parameters (a zod shape) and
 * effects; `defineHttpFault` adds what every HTTP fault shares — an optional `id`, the `match`
 * (faults/types.ts) and the `type` discriminator — builds the strict input schema whose unknown-key
 * error names the fault's parameters, and works out which parameters a ramp can move.
 */
import { z } from 'zod';
import type { FaultIssue, HttpFaultModule, ModelTier, Party } from '../fault.ts';
import { faultId, numericParams, unknownKeyError } from '../params.ts';
import {
  type ChannelFaultState,
  type Component,
  MatchSchema,
  type ObjectKind,
  type RequestEffects,
  type RequestFacts,
} from '../types.ts';

type Shape<T extends string, P extends z.ZodRawShape> = {
  id: typeof faultId;
  match: z.ZodDefault<typeof MatchSchema>;
  type: z.ZodLiteral<T>;
} & P;

/** One fault of this module, as the registry holds it (validated, with its id and when it was added). */
export type HttpFaultOf<T extends string, P extends z.ZodRawShape> = z.output<
  z.ZodObject<Shape<T, P>, z.core.$strict>
> & { id: string; addedAtMs: number };

export interface HttpFaultSpec<T extends string, P extends z.ZodRawShape> {
  type: T;
  description: string;
  modelled: string;
  params: P;
  acts: { components: readonly Component[]; kinds?: readonly ObjectKind[]; party?: Party };
  decide?(
    fault: HttpFaultOf<T, P>,
    facts: RequestFacts,
    effects: RequestEffects,
    hit: (share: number) => boolean,
  ): boolean;
  channel?(fault: HttpFaultOf<T, P>, state: ChannelFaultState, now: () => number): void;
  tier?(fault: HttpFaultOf<T, P>, tier: ModelTier, manifest: boolean): void;
  check?(fault: HttpFaultOf<T, P>): FaultIssue[];
}

/**
 * The module, typed for the registry: its functions take any placed HTTP fault (the registry only
 * hands a module the faults of its own type), its schema keeps the precise input type.
 */
export type DefinedHttpFault<T extends string, P extends z.ZodRawShape> = HttpFaultModule & {
  readonly type: T;
  readonly schema: z.ZodObject<Shape<T, P>, z.core.$strict>;
};

export function defineHttpFault<const T extends string, P extends z.ZodRawShape>(
  spec: HttpFaultSpec<T, P>,
): DefinedHttpFault<T, P> {
  const params = Object.keys(spec.params);
  const shape = {
    id: faultId,
    match: MatchSchema.default({}),
    type: z.literal(spec.type),
    ...spec.params,
  } as Shape<T, P>;
  const schema = z.strictObject(shape, {
    error: unknownKeyError(`${spec.type} parameters`, params),
  });
  const module = { ...spec, layer: 'http' as const, schema, params, rampable: numericParams(spec.params) };
  return module as unknown as DefinedHttpFault<T, P>;
}
