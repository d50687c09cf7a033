/**
 * The incident desk: where every team action lands. It validates the action, journals it, and
 * makes mitigations real (a `mitigate` action pulls the lever on the stack, real or virtual).
 * Everything downstream — scoring, reports, replay — reads what the desk journaled.
 */

import { type Action, ActionSchema } from '../core/actions.ts';
import type { Clock } from '../core/clock.ts';
import type { JournalSink } from '../core/journal.ts';
import { actionJournalEvent, JOURNAL_VERSION } from '../core/journal-events.ts';
import { zodIssuesLine } from '../core/zod-message.ts';
import type { StackActuator } from '../faults/actuator.ts';

export class ActionError extends Error {
  readonly statusCode = 400;
}

export class IncidentDesk {
  private readonly listeners = new Set<(a: Action & { t: number }) => void>();
  readonly log: (Action & { t: number })[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly journal: JournalSink,
    private readonly actuator: StackActuator,
  ) {}

  onAction(listener: (a: Action & { t: number }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and records an action; a mitigation is carried out before it is journaled. */
  async act(input: unknown): Promise<Action & { t: number }> {
    const parsed = ActionSchema.safeParse(input);
    if (!parsed.success) {
      throw new ActionError(`invalid action: ${zodIssuesLine(parsed.error, '(action)')}`);
    }
    const action = parsed.data;
    if (action.kind === 'mitigate') {
      const { kind: _kind, ...call } = action;
      let result: Awaited<ReturnType<StackActuator['pullLever']>>;
      try {
        result = await this.actuator.pullLever(action.lever, action.args);
      } catch (err) {
        this.journal.write({
          v: JOURNAL_VERSION,
          t: this.clock.now(),
          type: 'action.mitigate.failed',
          ...call,
          error: (err as Error).message,
        });
        throw new ActionError(`mitigation ${action.lever} failed: ${(err as Error).message}`);
      }
      this.journal.write({
        v: JOURNAL_VERSION,
        t: this.clock.now(),
        type: 'lever.pulled',
        lever: result.lever,
        args: result.args,
        summary: result.summary,
        undo: result.undo,
        role: action.role,
      });
    }
    // Stamped when done: a real lever takes a moment, and the journal's times never go back.
    const t = this.clock.now();
    this.journal.write(actionJournalEvent(action, t));
    const recorded = { ...action, t };
    this.log.push(recorded);
    for (const l of this.listeners) l(recorded);
    return recorded;
  }
}
