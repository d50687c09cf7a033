/**
 * TCP faults as the stack plans them: a toxic (faults/tcp/*.ts, Toxiproxy's set) or `down`, on
 * every stack link whose labels match. Validation (the fault's module schema: its attributes,
 * bounded; every label value the match names must exist on some link) and link selection are
 * shared by the real stack, which then drives the fault proxy (origin-stub/control/tcp-faults.ts),
 * and the virtual one, which models it (simulator/fault-model.ts).
 */
import { zodIssuesLine } from '../core/zod-message.ts';
import type { FaultIssue, FaultLink, PlacedTcpFault } from './fault.ts';
import { TcpFaultSchema, type TcpFaultType } from './index.ts';
import { linkMatches } from './tcp/define.ts';

export type { FaultLink } from './fault.ts';

export interface TcpFault extends PlacedTcpFault {
  type: TcpFaultType;
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

/** Label values a match names that no link carries, each with the values the links do carry. */
export function linkMatchIssues(
  match: Record<string, string | string[]>,
  links: readonly FaultLink[],
): FaultIssue[] {
  const issues: FaultIssue[] = [];
  const keys = new Set(links.flatMap((l) => Object.keys(l.labels)));
  for (const [key, want] of Object.entries(match)) {
    const known =
      key === 'name'
        ? links.map((l) => l.name)
        : [...new Set(links.map((l) => l.labels[key]).filter((v): v is string => v !== undefined))];
    if (key !== 'name' && !keys.has(key)) {
      issues.push({
        path: ['match', key],
        message: `unknown link label (link labels: ${[...keys].join(', ')}, name)`,
      });
      continue;
    }
    const list = Array.isArray(want) ? want : [want];
    list.forEach((v, i) => {
      if (known.includes(v)) return;
      issues.push({
        path: Array.isArray(want) ? ['match', key, i] : ['match', key],
        message: `unknown ${key} '${v}' (${key === 'name' ? 'links' : key}: ${known.join(', ')})`,
      });
    });
  }
  return issues;
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
  const all = [...links];
  const unknown = linkMatchIssues(spec.match, all);
  if (unknown.length > 0) {
    throw new TcpFaultError(
      `invalid TCP fault: ${unknown.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const id = spec.id ?? newId(spec.type);
  if (exists(id)) throw new TcpFaultError(`a TCP fault with id ${id} already exists`, 409);
  const targets = all.filter((l) => linkMatches(l, spec.match));
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
    attributes: spec.attributes as Record<string, number>,
    match: spec.match,
    addedAtMs: now,
  };
}
