/**
 * Support for the real-player end-to-end tests (`test/e2e/players-*.test.ts`): a stack plus the
 * harness with a given set of viewers, polling helpers and per-cohort metrics.
 */
import { MemoryJournal } from '../../core/journal.ts';
import type { LabelFilter, QoeMetrics } from '../../metrics/engine.ts';
import { Stack } from '../../origin-stub/stack.ts';
import { routePop } from '../../origin-stub/topology.ts';
import type { ViewerSpec } from '../../player-harness/cohorts.ts';
import type { FleetOptions } from '../../player-harness/fleet.ts';
import { Harness } from '../../player-harness/harness.ts';
import type { ViewerState } from '../../player-harness/page/protocol.ts';

export interface Drill {
  stack: Stack;
  harness: Harness;
  journal: MemoryJournal;
  runId: string;
  sidOf(slot: number): string;
  metrics(filter?: LabelFilter, windowMs?: number): QoeMetrics;
  states(): Promise<ViewerState[]>;
  close(): Promise<void>;
}

type Spec = Omit<ViewerSpec, 'slot'>;

/** A viewer spec with defaults (emea, eu-telco, hlsjs, desktop, news, clear). */
export function viewer(slot: number, spec: Partial<Spec> = {}): ViewerSpec {
  return {
    slot,
    region: 'emea',
    isp: spec.region === 'na' ? 'na-telco' : 'eu-telco',
    player: 'hlsjs',
    device: 'desktop',
    channel: 'news',
    variant: 'clear',
    ...spec,
  };
}

/**
 * Picks a run id (session-id prefix) under which each listed slot is routed to the wanted POP of
 * `cdn` (request routing hashes the session id), so a test knows who a POP fault hits.
 */
export function runIdRouting(
  stack: Stack,
  prefix: string,
  wanted: { slot: number; region: string; pop: string | ((pop: string) => boolean) }[],
  cdn = 'cdn-a',
): string {
  for (let i = 0; i < 10_000; i++) {
    const runId = `${prefix}${i}`;
    const ok = wanted.every((w) => {
      const pop = routePop(stack.topology, w.region, `${cdn}|${runId}-${w.slot}-1`);
      return typeof w.pop === 'string' ? pop === w.pop : w.pop(pop);
    });
    if (ok) return runId;
  }
  throw new Error('no run id routes the viewers as wanted');
}

export async function startDrill(options: {
  viewers: ViewerSpec[];
  runId?: string | ((stack: Stack) => string);
  fleet?: Partial<FleetOptions>;
  steeringTtlSeconds?: number;
  /** Runs on the stack before any viewer starts (e.g. a fault every viewer meets from its first request). */
  beforeViewers?: (stack: Stack) => void | Promise<void>;
}): Promise<Drill> {
  const stack = await Stack.start({
    seed: 'players-e2e',
    topology: { steeringTtlSeconds: options.steeringTtlSeconds ?? 2 },
    manifestMonitorMs: 0,
  });
  const journal = new MemoryJournal();
  const runId = typeof options.runId === 'function' ? options.runId(stack) : (options.runId ?? 'e2e');
  let harness: Harness;
  try {
    await options.beforeViewers?.(stack);
    harness = await Harness.start({
      stack,
      viewers: options.viewers,
      journal,
      fleet: {
        runId,
        joinSpreadMs: 1000,
        flushMs: 500,
        heartbeatMs: 2000,
        rejoinAfterFailMs: 0,
        ...options.fleet,
      },
    });
  } catch (err) {
    await stack.close();
    throw err;
  }
  return {
    stack,
    harness,
    journal,
    runId,
    sidOf: (slot) => `${runId}-${slot}-1`,
    metrics: (filter, windowMs) =>
      harness.collector.engine.snapshot(Date.now(), {
        ...(filter ? { filter } : {}),
        ...(windowMs ? { windowMs } : {}),
      }),
    states: async () => {
      await harness.fleet.flush();
      return harness.fleet.state();
    },
    async close() {
      await harness.close();
      await stack.close();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or the time runs out; returns the last value. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, everyMs = 500): Promise<T> {
  const until = Date.now() + timeoutMs;
  let v = await check();
  while (!v && Date.now() < until) {
    await sleep(everyMs);
    v = await check();
  }
  return v;
}

/** Requests served by the edge POPs of one CDN, per POP. */
export function popRequests(stack: Stack, cdn: string): Record<string, number> {
  return Object.fromEntries(
    stack.pops.filter((p) => p.cdn === cdn && p.tier === 'edge').map((p) => [p.name, p.stats().requests]),
  );
}
