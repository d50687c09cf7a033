/**
 * How a TCP fault module is written. A toxic fault is one of the fault proxy's own toxics
 * (`proxy/toxics/`, Toxiproxy's set) on every selected link: `defineToxicFault` takes the toxic's
 * attribute names from its definition there (one list), bounds each (a module names the bounds
 * that matter, e.g. delays at most 10 minutes), rejects unknown attributes naming the known ones,
 * runs the toxic's own checks, and applies it through the fault proxy. `down` is not a toxic: it
 * disables the link's proxy (`down.ts`).
 */
import { z } from 'zod';
import type { ToxicType } from '../../proxy/client.ts';
import { resolveAttributes, TOXICS } from '../../proxy/toxics/index.ts';
import type { FaultLink, ModelLink, PlacedTcpFault, TcpFaultModule } from '../fault.ts';
import { faultId, unknownKeyError } from '../params.ts';

/** Link labels every selected link must carry (link, cdn, pop, region, isp, origin), or `name`. */
export const LinkMatchSchema = z
  .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
  .default({})
  .describe('link labels every selected link must carry (link, cdn, pop, region, isp, origin) or name');

/** True when a link carries every label of the match (`name` is the link's own name). */
export function linkMatches(link: FaultLink, match: Record<string, string | string[]>): boolean {
  for (const [key, want] of Object.entries(match)) {
    const have = key === 'name' ? link.name : link.labels[key];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !want.includes(have) : want !== have) return false;
  }
  return true;
}

/** What every TCP fault takes besides its attributes (a step's params besides the attributes). */
export const TCP_COMMON_PARAMS = ['stream', 'toxicity'] as const;

export function tcpSchema<T extends string, A extends z.ZodType>(type: T, attributes: A) {
  return z.strictObject(
    {
      id: faultId,
      type: z.literal(type),
      match: LinkMatchSchema,
      stream: z.enum(['upstream', 'downstream']).default('downstream'),
      toxicity: z.number().min(0).max(1).default(1),
      attributes,
    },
    { error: unknownKeyError(`${type} keys`, ['id', 'type', 'match', 'stream', 'toxicity', 'attributes']) },
  );
}

const anyCount = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export interface ToxicFaultSpec<T extends string> {
  type: T;
  description: string;
  modelled: string;
  /** Bounds for the attributes that need more than "a non-negative integer". */
  bounds: Record<string, z.ZodNumber>;
  link(fault: PlacedTcpFault, link: ModelLink): void;
}

export function defineToxicFault<const T extends string>(spec: ToxicFaultSpec<T>) {
  const toxic = TOXICS.get(spec.type);
  if (!toxic) throw new Error(`no toxic ${spec.type} in proxy/toxics`);
  const names = Object.keys(toxic.defaults);
  for (const b of Object.keys(spec.bounds)) {
    if (!names.includes(b)) throw new Error(`${spec.type}: bound for unknown attribute ${b}`);
  }
  const shape = Object.fromEntries(names.map((n) => [n, (spec.bounds[n] ?? anyCount()).optional()]));
  const attributes = z
    .strictObject(shape, { error: unknownKeyError(`${spec.type} attributes`, names) })
    .superRefine((a, ctx) => {
      // The toxic's own checks (e.g. slicer: size_variation below average_size).
      const r = resolveAttributes(toxic, {}, a);
      if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
    })
    .default({});
  return {
    type: spec.type,
    description: spec.description,
    modelled: spec.modelled,
    layer: 'tcp' as const,
    schema: tcpSchema(spec.type, attributes),
    attributes: names,
    rampable: {
      toxicity: { int: false, default: 1 },
      ...Object.fromEntries(names.map((n) => [n, { int: true, default: toxic.defaults[n]! }])),
    },
    async apply(f, link, proxy) {
      await proxy.addToxic(link, {
        type: f.type as ToxicType,
        name: f.id,
        stream: f.stream,
        toxicity: f.toxicity,
        attributes: f.attributes,
      });
    },
    async undo(f, link, proxy) {
      await proxy.removeToxic(link, f.id);
    },
    link: spec.link,
  } satisfies TcpFaultModule;
}
