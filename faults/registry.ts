/**
 * The HTTP fault registry: one place where every HTTP fault in force lives, that every server of
 * the stack asks about each request. Faults are added and removed by id; all state is visible.
 * What a fault does is its module's business (faults/http/*.ts): `decide` and `channelState` ask
 * the module of each matching fault. Given the stack's targets, a fault naming a label value the
 * stack does not have, or matching nothing its type acts on, is refused.
 */
import type { Clock } from '../core/clock.ts';
import { createRng, type Rng } from '../core/rng.ts';
import type { FaultIssue, FaultTargets } from './fault.ts';
import { actingComponents, matchIssues } from './http/targets.ts';
import { type HttpFault, HttpFaultSchema, httpFaultModule } from './index.ts';
import { type ChannelFaultState, matches, type RequestEffects, type RequestFacts } from './types.ts';

export class FaultInputError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'FaultInputError';
  }
}

export type FaultEvent = { kind: 'added'; fault: HttpFault } | { kind: 'removed'; fault: HttpFault };

/**
 * Problems with a validated HTTP fault beyond its schema: its module's own checks and, against the
 * stack's targets, unknown label values and a match that leaves it nothing to act on.
 */
export function httpFaultIssues(fault: HttpFault, targets?: FaultTargets): FaultIssue[] {
  const m = httpFaultModule(fault.type);
  const issues = [...(m.check?.(fault) ?? [])];
  if (!targets) return issues;
  const unknown = matchIssues(fault.match, targets);
  if (unknown.length > 0) return [...issues, ...unknown];
  if (actingComponents(m, fault.match, targets).length === 0) {
    const kinds = m.acts.kinds ? ` (${m.acts.kinds.join(', ')})` : '';
    issues.push({
      path: ['match'],
      message: `matches nothing ${fault.type} acts on: it acts on ${m.acts.components.join(', ')}${kinds} requests`,
    });
  }
  return issues;
}

export class FaultRegistry {
  private readonly faults = new Map<string, HttpFault>();
  private readonly listeners = new Set<(e: FaultEvent) => void>();
  private readonly rng: Rng;
  private nextId = 1;

  /** `targets`: the stack's label values; without them, matches are not checked against a stack. */
  constructor(
    private readonly clock: Clock,
    seed: string | number = 'http-faults',
    private readonly targets?: FaultTargets,
  ) {
    this.rng = createRng(`http-faults|${seed}`);
  }

  /** Validates and adds a fault; returns it with its id. Throws FaultInputError on bad input. */
  add(input: unknown): HttpFault {
    const parsed = HttpFaultSchema.safeParse(input);
    const issues = parsed.success
      ? httpFaultIssues({ ...parsed.data, id: '', addedAtMs: 0 } as HttpFault, this.targets).map((i) => ({
          path: i.path.join('.'),
          message: i.message,
        }))
      : parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    if (!parsed.success || issues.length > 0) {
      throw new FaultInputError(
        `invalid fault: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    const id = parsed.data.id ?? `${parsed.data.type}-${this.nextId++}`;
    if (this.faults.has(id))
      throw new FaultInputError(`a fault with id ${id} already exists`, [
        { path: 'id', message: 'already exists' },
      ]);
    const fault = { ...parsed.data, id, addedAtMs: this.clock.now() } as HttpFault;
    this.faults.set(id, fault);
    this.emit({ kind: 'added', fault });
    return fault;
  }

  remove(id: string): HttpFault | undefined {
    const fault = this.faults.get(id);
    if (!fault) return undefined;
    this.faults.delete(id);
    this.emit({ kind: 'removed', fault });
    return fault;
  }

  clear(): HttpFault[] {
    const all = this.list();
    for (const f of all) this.remove(f.id);
    return all;
  }

  list(): HttpFault[] {
    return [...this.faults.values()];
  }

  get(id: string): HttpFault | undefined {
    return this.faults.get(id);
  }

  onChange(listener: (e: FaultEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the faults in force do to a request with these facts (each matching fault's module decides). */
  decide(facts: RequestFacts): RequestEffects {
    const effects: RequestEffects = { faultIds: [] };
    const hit = (share: number) => share >= 1 || this.rng.next() < share;
    for (const f of this.faults.values()) {
      if (!matches(f.match, facts)) continue;
      const m = httpFaultModule(f.type);
      // Channel-level faults (no `decide`) act through channelState().
      if (m.decide?.(f, facts, effects, hit)) effects.faultIds.push(f.id);
    }
    return effects;
  }

  /**
   * Packaging faults for one channel and variant as one origin serves it (manifest freeze, segment
   * gaps, A/V drift). A fault without a component hits both origins; one on `origin` only the
   * primary, so failing over to the backup is a real fix for it.
   */
  channelState(
    channel: string,
    variant: string,
    component: 'origin' | 'backup-origin' = 'origin',
  ): ChannelFaultState | undefined {
    const facts: RequestFacts = { component, channel, variant };
    const now = () => this.clock.now();
    let state: ChannelFaultState | undefined;
    for (const f of this.faults.values()) {
      if (!matches(f.match, facts)) continue;
      const m = httpFaultModule(f.type);
      if (!m.channel) continue;
      state ??= {};
      m.channel(f, state, now);
    }
    return state;
  }

  private emit(e: FaultEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export { matches };
