/**
 * TCP faults on the stack's links, through the fault proxy: a toxic (latency, bandwidth, timeout,
 * reset_peer, slicer, limit_data, slow_close) or `down`, applied to every link whose labels match.
 * One fault may span many links (e.g. latency on every viewer link of one ISP in EMEA).
 */
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { zodIssuesLine } from '../../core/zod-message.ts';
import type { FaultProxy } from '../../proxy/client.ts';
import type { LinkInfo } from '../stack.ts';

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

export class TcpFaultError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export class TcpFaults {
  private readonly faults = new Map<string, TcpFault>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly proxy: FaultProxy,
    private readonly links: () => Map<string, LinkInfo>,
  ) {}

  list(): TcpFault[] {
    return [...this.faults.values()];
  }

  async add(input: unknown): Promise<TcpFault> {
    const fault = planTcpFault(
      input,
      this.links().values(),
      this.clock.now(),
      (type) => `tcp-${type}-${this.nextId++}`,
      (id) => this.faults.has(id),
    );
    const applied: string[] = [];
    try {
      for (const name of fault.links) {
        if (fault.type === 'down') await this.proxy.setEnabled(name, false);
        else
          await this.proxy.addToxic(name, {
            type: fault.type,
            name: fault.id,
            stream: fault.stream,
            toxicity: fault.toxicity,
            attributes: fault.attributes,
          });
        applied.push(name);
      }
    } catch (err) {
      await this.undo({ ...fault, links: applied });
      throw new TcpFaultError((err as Error).message);
    }
    this.faults.set(fault.id, fault);
    return fault;
  }

  async remove(id: string): Promise<TcpFault | undefined> {
    const fault = this.faults.get(id);
    if (!fault) return undefined;
    this.faults.delete(id);
    await this.undo(fault);
    return fault;
  }

  async clear(): Promise<TcpFault[]> {
    const all = this.list();
    for (const f of all) await this.remove(f.id);
    return all;
  }

  private async undo(fault: TcpFault): Promise<void> {
    for (const name of fault.links) {
      if (fault.type === 'down') await this.proxy.setEnabled(name, true).catch(() => {});
      else await this.proxy.removeToxic(name, fault.id).catch(() => {});
    }
  }
}

/**
 * Validates a TCP fault and selects the links it applies to, without applying it (shared by the
 * real stack, which then drives the fault proxy, and the virtual one, which models it).
 */
export function planTcpFault(
  input: unknown,
  links: Iterable<LinkInfo>,
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

export function linkMatches(link: LinkInfo, match: Record<string, string | string[]>): boolean {
  for (const [key, want] of Object.entries(match)) {
    const have = key === 'name' ? link.name : link.labels[key];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !want.includes(have) : want !== have) return false;
  }
  return true;
}
