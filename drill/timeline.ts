/**
 * The timeline engine: plays a scenario's fault steps against a clock through a StackActuator —
 * apply at `at`, ramp a parameter, remove after `duration` or at a remove step — and journals every
 * change. `stop()` removes every fault still in force, whatever ended the run.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { JournalSink } from '../core/journal.ts';
import type { StopReason } from '../core/journal-events.ts';
import type { StackActuator } from '../faults/actuator.ts';
import { rampParam } from '../faults/index.ts';
import type { CompiledFault, LoadedScenario } from '../scenarios/load.ts';
import type { FaultStepSpec } from '../scenarios/schema.ts';

/** How often a ramping parameter is updated. */
const RAMP_STEP_MS = 5_000;

interface Applied {
  stepIndex: number;
  stepId: string;
  handle: { layer: 'http' | 'tcp'; id: string } | { layer: 'deploy' | 'flag' };
  compiled: CompiledFault;
  rampTimer?: TimerHandle;
}

export type { StopReason };

export class Timeline {
  private readonly timers: TimerHandle[] = [];
  private readonly applied = new Map<string, Applied>();
  private stopped = false;
  /** Serialises actuator calls so they happen in timeline order even when they are async. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly loaded: LoadedScenario,
    private readonly clock: Clock,
    private readonly actuator: StackActuator,
    private readonly journal: JournalSink,
    private readonly startMs: number,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Faults in force now, by step id. */
  active(): string[] {
    return [...this.applied.keys()];
  }

  start(): void {
    const { scenario, faults } = this.loaded;
    scenario.timeline.forEach((step, i) => {
      const delay = Math.max(0, this.startMs + step.at - this.clock.now());
      this.timers.push(
        this.clock.setTimeout(() => {
          if ('fault' in step) this.enqueue(() => this.apply(step, i, faults[i]!));
          else this.enqueue(() => this.remove(step.remove, 'step'));
        }, delay),
      );
    });
  }

  /** Removes every fault still in force; safe to call more than once. */
  async stop(reason: StopReason): Promise<void> {
    if (this.stopped) return this.chain;
    this.stopped = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
    await this.chain.catch(() => {});
    for (const id of [...this.applied.keys()]) await this.remove(id, reason);
    await this.actuator.removeAllFaults();
  }

  /** Resolves when every actuator call queued so far has completed. */
  settled(): Promise<void> {
    return this.chain;
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err: Error) => this.onError(err));
  }

  private async apply(step: FaultStepSpec, index: number, compiled: CompiledFault): Promise<void> {
    if (this.stopped) return;
    const stepId = step.id ?? `step-${index}`;
    const rampFrom = step.ramp ? this.rampValue(step, 0) : undefined;
    const handle = await this.actuate(compiled, stepId, rampFrom, step.ramp?.param);
    const entry: Applied = { stepIndex: index, stepId, handle, compiled };
    this.applied.set(stepId, entry);
    this.journal.write({
      v: 1,
      t: this.clock.now(),
      type: 'fault.applied',
      step: stepId,
      fault: step.fault,
      target: step.target,
      params: rampFrom !== undefined ? { ...step.params, [step.ramp!.param]: rampFrom } : step.params,
      ...(step.note ? { note: step.note } : {}),
    });
    if (step.ramp && (compiled.layer === 'http' || compiled.layer === 'tcp'))
      this.scheduleRamp(step, entry, this.clock.now());
    if (step.duration !== undefined) {
      this.timers.push(
        this.clock.setTimeout(() => this.enqueue(() => this.remove(stepId, 'duration')), step.duration),
      );
    }
  }

  /** The ramped parameter's value: from `from` to the step's value (or the parameter's default). */
  private rampValue(step: FaultStepSpec, elapsedMs: number): number {
    const r = step.ramp!;
    const p = rampParam(step.fault, r.param);
    const to = Number(step.params[r.param] ?? p?.default ?? r.from);
    const f = r.over <= 0 ? 1 : Math.min(1, elapsedMs / r.over);
    const v = r.from + (to - r.from) * f;
    return p?.int ? Math.round(v) : v;
  }

  /** Ramps replace the fault with updated parameters every few seconds (same id, journaled). */
  private scheduleRamp(step: FaultStepSpec, entry: Applied, since: number): void {
    const tick = () => {
      this.enqueue(async () => {
        if (this.stopped || this.applied.get(entry.stepId) !== entry) return;
        const elapsed = this.clock.now() - since;
        const value = this.rampValue(step, elapsed);
        await this.unactuate(entry);
        entry.handle = await this.actuate(entry.compiled, entry.stepId, value, step.ramp!.param);
        this.journal.write({
          v: 1,
          t: this.clock.now(),
          type: 'fault.updated',
          step: entry.stepId,
          params: { [step.ramp!.param]: value },
        });
        if (elapsed < step.ramp!.over) entry.rampTimer = this.clock.setTimeout(tick, RAMP_STEP_MS);
      });
    };
    entry.rampTimer = this.clock.setTimeout(tick, RAMP_STEP_MS);
  }

  private async actuate(
    c: CompiledFault,
    stepId: string,
    rampValue?: number,
    rampParam = 'share',
  ): Promise<Applied['handle']> {
    switch (c.layer) {
      case 'http': {
        const input = {
          ...c.input,
          id: stepId,
          ...(rampValue !== undefined ? { [rampParam]: rampValue } : {}),
        };
        return { layer: 'http', id: await this.actuator.addHttpFault(input as typeof c.input) };
      }
      case 'tcp': {
        const input =
          rampValue === undefined
            ? { ...c.input, id: stepId }
            : rampParam === 'toxicity'
              ? { ...c.input, id: stepId, toxicity: rampValue }
              : {
                  ...c.input,
                  id: stepId,
                  attributes: { ...(c.input.attributes ?? {}), [rampParam]: Math.round(rampValue) },
                };
        return { layer: 'tcp', id: await this.actuator.addTcpFault(input) };
      }
      case 'deploy':
        await this.actuator.deploy(c.component, c.version);
        return { layer: 'deploy' };
      case 'flag':
        await this.actuator.setFlag(c.flag, c.enabled, c.brokenFor);
        return { layer: 'flag' };
    }
  }

  private async unactuate(entry: Applied): Promise<void> {
    const h = entry.handle;
    if (h.layer === 'http') await this.actuator.removeHttpFault(h.id);
    else if (h.layer === 'tcp') await this.actuator.removeTcpFault(h.id);
    else if (h.layer === 'flag' && entry.compiled.layer === 'flag') {
      await this.actuator.setFlag(entry.compiled.flag, !entry.compiled.enabled);
    } else if (h.layer === 'deploy' && entry.compiled.layer === 'deploy') {
      // A deploy step "removed" is rolled back, as its vendor or owner would.
      await this.actuator.pullLever('rollback', { component: entry.compiled.component }).catch(() => {});
    }
  }

  private async remove(stepId: string, reason: 'step' | 'duration' | StopReason): Promise<void> {
    const entry = this.applied.get(stepId);
    if (!entry) return;
    this.applied.delete(stepId);
    this.clock.clearTimeout(entry.rampTimer);
    await this.unactuate(entry);
    this.journal.write({ v: 1, t: this.clock.now(), type: 'fault.removed', step: stepId, reason });
  }
}
