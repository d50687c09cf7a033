/**
 * Replays a team script: exact actions at exact times, counted from the first page (or from the
 * scenario start). The worked example's team is one: acknowledge at +40 s, SEV2 at +2 min, steer
 * EMEA to the secondary CDN at +6 min, resolve at +41 min.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import { DurationMs } from '../core/duration.ts';
import type { AlertTransition } from '../rules/evaluator.ts';
import type { IncidentDesk } from './desk.ts';
import type { ScriptTeamSpec } from './team-schema.ts';

export interface Team {
  start(): void;
  onAlert(t: AlertTransition): void;
  stop(): void;
}

export class ScriptTeam implements Team {
  private readonly timers: TimerHandle[] = [];
  private anchored = false;

  constructor(
    private readonly spec: ScriptTeamSpec,
    private readonly clock: Clock,
    private readonly desk: IncidentDesk,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  start(): void {
    if (this.spec.anchor === 'start') this.schedule();
  }

  onAlert(t: AlertTransition): void {
    if (this.spec.anchor === 'page' && t.state === 'firing' && t.action === 'page') this.schedule();
  }

  stop(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
  }

  private schedule(): void {
    if (this.anchored) return;
    this.anchored = true;
    for (const entry of this.spec.actions) {
      const { at, ...action } = entry;
      const delay = DurationMs.parse(at);
      this.timers.push(
        this.clock.setTimeout(() => {
          this.desk.act(action).catch((err: Error) => this.onError(err));
        }, delay),
      );
    }
  }
}
