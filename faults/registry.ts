/**
 * The HTTP fault registry: one place where every HTTP fault in force lives, that every server of
 * the stack asks about each request. Faults are added and removed by id; all state is visible.
 */
import type { Clock } from '../core/clock.ts';
import { createRng, type Rng } from '../core/rng.ts';
import {
  type ChannelFaultState,
  type HttpFault,
  type HttpFaultInput,
  HttpFaultSchema,
  type Match,
  type RequestEffects,
  type RequestFacts,
} from './types.ts';

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

export class FaultRegistry {
  private readonly faults = new Map<string, HttpFault>();
  private readonly listeners = new Set<(e: FaultEvent) => void>();
  private readonly rng: Rng;
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    seed: string | number = 'http-faults',
  ) {
    this.rng = createRng(`http-faults|${seed}`);
  }

  /** Validates and adds a fault; returns it with its id. Throws FaultInputError on bad input. */
  add(input: unknown): HttpFault {
    const parsed = HttpFaultSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.join('.') || '(root)',
        message: i.message,
      }));
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
    const fault: HttpFault = { ...parsed.data, id, addedAtMs: this.clock.now() };
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

  /** What the faults in force do to a request with these facts. */
  decide(facts: RequestFacts): RequestEffects {
    const effects: RequestEffects = { faultIds: [] };
    for (const f of this.faults.values()) {
      if (!matches(f.match, facts)) continue;
      const hit = (share: number) => share >= 1 || this.rng.next() < share;
      switch (f.type) {
        case 'http-status':
          if (!hit(f.share) || effects.status) continue;
          effects.status = f.status;
          break;
        case 'http-delay':
          if (!hit(f.share)) continue;
          effects.delayMs = (effects.delayMs ?? 0) + f.delayMs;
          break;
        case 'http-hang':
          if (!hit(f.share)) continue;
          effects.hang = true;
          break;
        case 'manifest-malformed':
          if (facts.kind !== 'manifest' || !hit(f.share)) continue;
          effects.malformed = true;
          break;
        case 'cache-force-miss':
          if (!hit(f.share)) continue;
          effects.forceMiss = true;
          break;
        case 'cache-control-malformed':
          effects.cacheControl = f.value;
          break;
        default:
          continue; // channel-level faults act through channelState()
      }
      effects.faultIds.push(f.id);
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
    let state: ChannelFaultState | undefined;
    for (const f of this.faults.values()) {
      if (!matches(f.match, facts)) continue;
      if (f.type === 'manifest-freeze') {
        state ??= {};
        state.frozenAtMs = Math.min(state.frozenAtMs ?? Number.POSITIVE_INFINITY, f.addedAtMs);
      } else if (f.type === 'segment-gap') {
        state ??= {};
        const { every, length } = f;
        const prev = state.isGap;
        state.isGap = (n) => (prev?.(n) ?? false) || n % every < length;
      } else if (f.type === 'av-drift') {
        state ??= {};
        const { msPerMinute, addedAtMs } = f;
        const clock = this.clock;
        const prev = state.audioOffsetMs;
        // Drift grows with fault time: segments served later are further off.
        state.audioOffsetMs = (n) =>
          (prev?.(n) ?? 0) + (msPerMinute * Math.max(0, clock.now() - addedAtMs)) / 60_000;
      }
    }
    return state;
  }

  private emit(e: FaultEvent): void {
    for (const l of this.listeners) l(e);
  }
}

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
