/**
 * The runbook bot: a scripted team that follows the seven triage steps with human-like reaction
 * times, reads the dashboards, declares a severity from what it sees, chooses the mitigation from
 * the data, holds for recovery and resolves — so CI can test rules and runbooks end to end.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { LabelFilter } from '../metrics/engine.ts';
import type { AlertTransition } from '../rules/evaluator.ts';
import type { IncidentDesk } from './desk.ts';
import { diagnose } from './diagnose.ts';
import type { Observations } from './observe.ts';
import type { Runbook, Severity } from './runbook.ts';
import type { Team } from './script-team.ts';
import type { BotTeamSpec } from './team-schema.ts';

type Phase =
  | 'idle'
  | 'paged'
  | 'acknowledged'
  | 'confirmed'
  | 'declared'
  | 'mitigated'
  | 'holding'
  | 'resolved';

/** How long the bot waits for a mitigation to work before looking for another. */
const REINVESTIGATE_AFTER_MS = 5 * 60_000;

/** Within SLO again: rebuffering share in scope under this (as scoring's RECOVERED_BELOW). */
const RECOVERED_BELOW = 0.015;

export class BotTeam implements Team {
  private phase: Phase = 'idle';
  private pagedAt = 0;
  private timer: TimerHandle | undefined;
  private scope: LabelFilter = {};
  private severity: Severity | undefined;
  private declaredAt = 0;
  private lastStatus = 0;
  private dashboardsOpened = 0;
  private dashboardsDoneAt = 0;
  private recoveredSince: number | undefined;
  private triedLevers = new Set<string>();
  private regions: string[] | undefined;
  private mitigatedAt = 0;

  constructor(
    private readonly spec: BotTeamSpec,
    private readonly runbook: Runbook,
    private readonly clock: Clock,
    private readonly desk: IncidentDesk,
    private readonly obs: Observations,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  private role(r: 'commander' | 'operator' | 'communicator'): 'ic' | 'ops' | 'comms' | 'oncall' {
    const given = this.spec.roles[r];
    if (given === 'ic' || given === 'ops' || given === 'comms' || given === 'oncall') return given;
    return r === 'commander' ? 'ic' : r === 'operator' ? 'ops' : 'comms';
  }

  start(): void {
    this.timer = this.clock.setInterval(() => this.tick(), this.spec.dashboardEvery);
  }

  stop(): void {
    this.clock.clearInterval(this.timer);
  }

  onAlert(t: AlertTransition): void {
    // A page starts the response; investigate and ticket alerts are looked at too (in hours).
    if (t.state !== 'firing') return;
    if (this.phase === 'idle') {
      this.phase = 'paged';
      this.pagedAt = this.clock.now();
    }
    // Scope grows with every region that pages (until the team has declared).
    const region = t.labels.region;
    if (region && this.phase !== 'declared' && this.phase !== 'mitigated' && this.phase !== 'holding') {
      const regions = new Set([...(this.regions ?? []), region]);
      this.regions = [...regions].sort();
      this.scope = { region: this.regions.length === 1 ? this.regions[0]! : this.regions };
    }
  }

  private act(action: Record<string, unknown>): void {
    this.desk.act(action).catch((err: Error) => this.onError(err));
  }

  private tick(): void {
    const now = this.clock.now();
    const since = now - this.pagedAt;
    switch (this.phase) {
      case 'paged':
        if (since >= this.spec.acknowledgeAfter) {
          this.act({ kind: 'acknowledge', role: 'oncall' });
          this.phase = 'acknowledged';
        }
        return;
      case 'acknowledged':
        if (since >= this.spec.confirmAfter) {
          // Step 1: cross-check the alert with a second, independent source (the CDN's CMCD figures).
          this.act({
            kind: 'confirm',
            role: 'oncall',
            source: 'CMCD buffer-starvation signals at the edges',
          });
          // Step 2: scope it — how many, which regions, which devices.
          const o = this.obs.overall(this.scope);
          this.act({
            kind: 'scope',
            role: 'oncall',
            ...(this.scope.region ? { region: String(this.scope.region) } : {}),
            viewersAffected: Math.round(o.viewers * o.affectedShare),
          });
          this.phase = 'confirmed';
        }
        return;
      case 'confirmed':
        if (since >= this.spec.declareAfter) {
          this.severity = this.readGrid();
          this.act({ kind: 'declare', role: 'oncall', severity: this.severity });
          this.declaredAt = now;
          if (this.severity === 'SEV1' || this.severity === 'SEV2')
            this.act({ kind: 'page', role: 'oncall', who: 'ic' });
          if (this.severity === 'SEV1') this.act({ kind: 'page', role: 'oncall', who: 'manager' });
          this.phase = 'declared';
        }
        return;
      case 'declared':
      case 'mitigated':
      case 'holding':
        this.duties(now);
        if (this.phase === 'declared') this.investigate(now);
        else this.watchRecovery(now);
        return;
      default:
        return;
    }
  }

  /** Comms and IC duties that run alongside everything else. */
  private duties(now: number): void {
    const sev = this.severity;
    if (
      (sev === 'SEV1' || sev === 'SEV2') &&
      this.lastStatus === 0 &&
      now - this.declaredAt >= this.spec.statusAfterDeclare
    ) {
      this.post(
        'investigating',
        `We are investigating elevated playback issues${this.scope.region ? ` in ${String(this.scope.region).toUpperCase()}` : ''}. Next update within 30 minutes.`,
      );
    } else if (
      this.lastStatus > 0 &&
      now - this.lastStatus >= this.spec.statusEvery &&
      this.phase !== 'resolved'
    ) {
      this.post(
        this.phase === 'declared' ? 'investigating' : 'monitoring',
        this.phase === 'declared' ? 'Still investigating.' : 'A fix is in place; we are monitoring recovery.',
      );
    }
    if (sev === 'SEV1' && now - this.declaredAt >= 10 * 60_000 && !this.bridgeOpened) {
      this.bridgeOpened = true;
      this.act({ kind: 'bridge', role: this.role('communicator') });
    }
  }

  private bridgeOpened = false;

  private post(state: string, message: string): void {
    this.lastStatus = this.clock.now();
    this.act({ kind: 'status', role: this.role('communicator'), state, message });
  }

  /** Step 4 then 5: open the seven dashboards in order, then mitigate on what they show. */
  private investigate(now: number): void {
    const boards = this.runbook.dashboards;
    if (this.dashboardsOpened < boards.length) {
      this.act({
        kind: 'dashboard',
        role: this.role('operator'),
        dashboard: boards[this.dashboardsOpened]!.id,
      });
      this.dashboardsOpened++;
      if (this.dashboardsOpened === boards.length) this.dashboardsDoneAt = now;
      return;
    }
    if (now - this.dashboardsDoneAt < this.spec.mitigateAfterDashboards) return;
    // One diagnosis per region in scope (a CDN failing everywhere is steered away region by region).
    const scopes: LabelFilter[] = (this.regions ?? [undefined]).map((r) => (r ? { region: r } : {}));
    let acted = false;
    for (const scope of scopes) {
      const d = diagnose(this.obs, scope);
      this.act({ kind: 'note', role: 'scribe', text: d.finding });
      const key = `${d.lever}|${JSON.stringify(d.args ?? {})}`;
      if (d.lever && !this.triedLevers.has(key)) {
        this.triedLevers.add(key);
        // The IC makes the call; Ops runs the command.
        this.act({
          kind: 'note',
          role: this.role('commander'),
          text: `decision: ${d.lever} ${JSON.stringify(d.args ?? {})}`,
        });
        this.act({ kind: 'mitigate', role: this.role('operator'), lever: d.lever, args: d.args ?? {} });
        this.act({
          kind: 'followup',
          role: this.role('commander'),
          title: `Find and fix the cause behind the ${d.lever}; reverse it once fixed`,
          due: new Date(now + 7 * 86_400_000).toISOString().slice(0, 10),
        });
        acted = true;
      } else if (d.escalate && !this.triedLevers.has(`escalate|${d.escalate}`)) {
        this.triedLevers.add(`escalate|${d.escalate}`);
        this.act({ kind: 'page', role: this.role('operator'), who: d.escalate });
        acted = true;
      }
    }
    if (acted) {
      this.phase = 'mitigated';
      this.mitigatedAt = now;
    }
  }

  /** Step 7: resolve after a sustained window back within SLO, then schedule the review. */
  private watchRecovery(now: number): void {
    const o = this.obs.overall(this.scope);
    const ok = o.rebufferingShare < RECOVERED_BELOW && o.startFailureShare < 0.01;
    if (!ok) {
      this.recoveredSince = undefined;
      this.phase = 'mitigated';
      // No recovery five minutes after acting: back to the dashboards for another lever.
      if (now - this.mitigatedAt >= REINVESTIGATE_AFTER_MS) this.phase = 'declared';
      return;
    }
    if (this.recoveredSince === undefined) {
      this.recoveredSince = now;
      this.phase = 'holding';
      this.act({
        kind: 'note',
        role: this.role('commander'),
        text: `metrics within SLO; holding ${Math.round(this.runbook.targets.recoveryHold / 60_000)} minutes before resolving`,
      });
      return;
    }
    if (now - this.recoveredSince >= this.runbook.targets.recoveryHold) {
      this.act({
        kind: 'status',
        role: this.role('communicator'),
        state: 'resolved',
        message: 'The issue is resolved.',
      });
      this.act({ kind: 'resolve', role: this.role('commander') });
      this.act({
        kind: 'review',
        role: this.role('commander'),
        scheduledFor: new Date(now + 3 * 86_400_000).toISOString().slice(0, 10),
      });
      this.phase = 'resolved';
    }
  }

  /** The bot's own reading of the severity grid from what it can see. */
  private readGrid(): Severity {
    const all = this.obs.overall();
    const scoped = this.obs.overall(this.scope);
    if (all.startFailureShare > 0.25 || all.rebufferRatio > 0.15) return 'SEV1';
    const regions = this.obs.bySlice('region');
    const regional = Object.values(regions).some((r) => r.affectedShare > 0.05);
    if (all.affectedShare > 0.05 || regional || scoped.affectedShare > 0.25) return 'SEV2';
    if (all.affectedShare > 0.005) return 'SEV3';
    return 'SEV4';
  }
}
