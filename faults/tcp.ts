/**
 * The vocabulary of TCP faults: a Toxiproxy toxic (latency, bandwidth, timeout, reset_peer, slicer,
 * limit_data, slow_close) or `down`, on every stack link whose labels match. The stack applies
 * them through the fault proxy (origin-stub/control/tcp-faults.ts); the model compiles them into
 * its link rows (simulator/fault-model.ts).
 */
import { z } from 'zod';
import { zodIssuesLine } from '../core/zod-message.ts';

export const TCP_FAULT_TYPES = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
  'down',
] as const;

export const TcpFaultSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .optional(),
  type: z.enum(TCP_FAULT_TYPES),
  /** Link labels every target link must carry (link, cdn, pop, region, isp, origin), or `name`. */
  match: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
  stream: z.enum(['upstream', 'downstream']).default('downstream'),
  toxicity: z.number().min(0).max(1).default(1),
  attributes: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type TcpFaultInput = z.input<typeof TcpFaultSchema>;

export interface TcpFault {
  id: string;
  type: (typeof TCP_FAULT_TYPES)[number];
  links: string[];
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
  match: Record<string, string | string[]>;
  addedAtMs: number;
}

/** A link a TCP fault can select: its fault-proxy name and its labels (link, cdn, pop, region, isp, origin). */
export interface FaultLink {
  name: string;
  labels: Record<string, string>;
}

export class TcpFaultError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/**
 * Validates a TCP fault and selects the links it applies to, without applying it (shared by the
 * real stack, which then drives the fault proxy, and the virtual one, which models it).
 */
export function planTcpFault(
  input: unknown,
  links: Iterable<FaultLink>,
  now: number,
  newId: (type: string) => string,
  exists: (id: string) => boolean,
): TcpFault {
  const parsed = TcpFaultSchema.safeParse(input);
  if (!parsed.success) {
    throw new TcpFaultError(`invalid TCP fault: ${zodIssuesLine(parsed.error)}`);
  }
  const spec = parsed.data;
  const id = spec.id ?? newId(spec.type);
  if (exists(id)) throw new TcpFaultError(`a TCP fault with id ${id} already exists`, 409);
  const targets = [...links].filter((l) => linkMatches(l, spec.match));
  if (targets.length === 0) {
    throw new TcpFaultError(
      `no link matches ${JSON.stringify(spec.match)} (link labels: link, cdn, pop, region, isp, origin, name)`,
    );
  }
  return {
    id,
    type: spec.type,
    links: targets.map((l) => l.name),
    stream: spec.stream,
    toxicity: spec.toxicity,
    attributes: spec.attributes,
    match: spec.match,
    addedAtMs: now,
  };
}

export function linkMatches(link: FaultLink, match: Record<string, string | string[]>): boolean {
  for (const [key, want] of Object.entries(match)) {
    const have = key === 'name' ? link.name : link.labels[key];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !want.includes(have) : want !== have) return false;
  }
  return true;
}
