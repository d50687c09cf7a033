/**
 * Runs a population simulation for a fixed span of virtual time with a list of timed actions on
 * its stack (the way a scenario timeline drives it), e.g. for CI or the benchmark. Callers that
 * step time themselves use `PopulationSimulator` directly.
 */
import { VirtualClock } from '../core/clock.ts';
import { PopulationSimulator, type SimulatorOptions, type SimulatorStats } from './simulator.ts';
import type { VirtualStack } from './virtual-stack.ts';

export interface TimedAction {
  /** When, ms after the start. */
  atMs: number;
  /** What to do to the stack (fault, lever, deploy, flag); may return a promise. */
  run: (stack: VirtualStack) => unknown;
  label?: string;
}

export interface RunVirtualOptions extends Omit<SimulatorOptions, 'clock'> {
  /** Start of the run, ms since the epoch (default 2026-01-01T00:00Z). */
  startMs?: number;
  durationMs: number;
  actions?: TimedAction[];
  /** Called every `everyMs` of virtual time (e.g. to sample metrics). */
  onStep?: (t: number, sim: PopulationSimulator) => void;
  everyMs?: number;
}

export interface RunVirtualResult {
  sim: PopulationSimulator;
  clock: VirtualClock;
  stats: SimulatorStats;
  /** Wall-clock time of the run, ms. */
  wallMs: number;
}

export async function runVirtual(opts: RunVirtualOptions): Promise<RunVirtualResult> {
  const clock = new VirtualClock(opts.startMs ?? Date.UTC(2026, 0, 1));
  const t0 = clock.now();
  const sim = new PopulationSimulator({ ...opts, clock });
  const pending: Promise<unknown>[] = [];
  for (const a of opts.actions ?? []) {
    clock.setTimeout(() => {
      pending.push(Promise.resolve(a.run(sim.stack)));
    }, a.atMs);
  }
  const wall0 = performance.now();
  sim.start();
  const every = opts.everyMs ?? opts.durationMs;
  for (let t = t0 + every; ; t += every) {
    const to = Math.min(t, t0 + opts.durationMs);
    clock.advanceTo(to);
    opts.onStep?.(to, sim);
    if (to >= t0 + opts.durationMs) break;
  }
  sim.stop();
  const wallMs = performance.now() - wall0;
  await Promise.all(pending);
  return { sim, clock, stats: sim.stats(), wallMs };
}
