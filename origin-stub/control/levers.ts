/**
 * The four mitigations of the playbook, each one call, each reversible, each recorded:
 * steer a region to another CDN, roll back the last deploy of a component, fail over to the backup
 * origin, disable a feature flag.
 */
import type { Clock } from '../../core/clock.ts';
import type { SteeringService } from '../steering/server.ts';
import type { DeployRegistry } from './deploys.ts';
import type { FeatureFlags } from './flags.ts';

export const LEVERS = ['steer', 'rollback', 'failover', 'disable-flag'] as const;
export type LeverName = (typeof LEVERS)[number];

export interface LeverAction {
  id: number;
  lever: LeverName | 'undo';
  args: Record<string, string>;
  atMs: number;
  /** What changed, in words, for the journal and the console. */
  summary: string;
  /** The action that undoes this one. */
  undo: { lever: LeverName | 'enable-flag'; args: Record<string, string> };
}

export class LeverError extends Error {
  readonly statusCode = 400;
}

export type OriginTarget = 'primary' | 'backup';

export class Levers {
  private readonly actions: LeverAction[] = [];
  private readonly listeners = new Set<(a: LeverAction) => void>();
  private nextId = 1;
  origin: OriginTarget = 'primary';

  constructor(
    private readonly clock: Clock,
    private readonly steering: SteeringService,
    private readonly deploys: DeployRegistry,
    private readonly flags: FeatureFlags,
  ) {}

  history(): LeverAction[] {
    return [...this.actions];
  }

  onAction(listener: (a: LeverAction) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a lever by name with string arguments (from the control API, the CLI or a responder). */
  pull(lever: string, args: Record<string, string | undefined>): LeverAction {
    const need = (key: string): string => {
      const v = args[key];
      if (!v) throw new LeverError(`lever ${lever} needs '${key}'`);
      return v;
    };
    switch (lever) {
      case 'steer':
        return this.steer(need('region'), need('cdn'));
      case 'rollback':
        return this.rollback(need('component'));
      case 'failover':
        return this.failover((args.to ?? 'backup') as OriginTarget);
      case 'disable-flag':
        return this.setFlag(need('flag'), false);
      case 'enable-flag':
        return this.setFlag(need('flag'), true);
      default:
        throw new LeverError(`unknown lever '${lever}' (levers: ${LEVERS.join(', ')}, enable-flag)`);
    }
  }

  steer(region: string, cdn: string): LeverAction {
    const change = this.steering.setPriority(region, [cdn]);
    return this.record('steer', { region, cdn }, `steered ${region} to ${cdn} (was ${change.from[0]})`, {
      lever: 'steer',
      args: { region, cdn: change.from[0]! },
    });
  }

  rollback(component: string): LeverAction {
    const rec = this.deploys.rollback(component);
    return this.record(
      'rollback',
      { component },
      `rolled ${component} back from ${rec.previous} to ${rec.version}`,
      {
        lever: 'rollback',
        args: { component },
      },
    );
  }

  failover(to: OriginTarget): LeverAction {
    if (to !== 'backup' && to !== 'primary')
      throw new LeverError(`failover target must be backup or primary, got '${to}'`);
    const from = this.origin;
    this.origin = to;
    return this.record('failover', { to }, `origin traffic moved from ${from} to ${to}`, {
      lever: 'failover',
      args: { to: from },
    });
  }

  setFlag(flag: string, enabled: boolean): LeverAction {
    this.flags.set(flag, enabled);
    return this.record(
      'disable-flag',
      { flag, enabled: String(enabled) },
      `feature flag ${flag} ${enabled ? 'enabled' : 'disabled'}`,
      { lever: enabled ? 'disable-flag' : 'enable-flag', args: { flag } },
    );
  }

  private record(
    lever: LeverName,
    args: Record<string, string>,
    summary: string,
    undo: LeverAction['undo'],
  ): LeverAction {
    const action: LeverAction = { id: this.nextId++, lever, args, atMs: this.clock.now(), summary, undo };
    this.actions.push(action);
    for (const l of this.listeners) l(action);
    return action;
  }
}
