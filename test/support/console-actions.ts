/**
 * The incident actions both console e2e tests take — once by clicking the console, once with
 * `streamdrill act` — and the journal events they must produce. The same list on both paths is
 * how "the same drill driven from the CLI gives the same journal events" is checked.
 */
import type { JournalEvent } from '../../core/journal.ts';

export interface ExpectedAction {
  /** `streamdrill act` arguments. */
  cli: string[];
  /** The journal event it must produce (matched field by field, time aside). */
  event: Record<string, unknown>;
}

export const DRILL_ACTIONS: ExpectedAction[] = [
  { cli: ['acknowledge', '--role', 'oncall'], event: { type: 'action.acknowledge', role: 'oncall' } },
  {
    cli: ['declare', 'SEV2', '--role', 'oncall'],
    event: { type: 'action.declare', role: 'oncall', severity: 'SEV2' },
  },
  {
    cli: ['dashboard', 'cdn-edge', '--role', 'ops'],
    event: { type: 'action.dashboard', role: 'ops', dashboard: 'cdn-edge' },
  },
  {
    cli: ['mitigate', 'steer', 'region=emea', 'cdn=cdn-b', '--role', 'ops'],
    event: { type: 'action.mitigate', role: 'ops', lever: 'steer', args: { region: 'emea', cdn: 'cdn-b' } },
  },
  {
    cli: ['status', 'identified', 'EMEA viewers moved to our secondary CDN', '--role', 'comms'],
    event: {
      type: 'action.status',
      role: 'comms',
      state: 'identified',
      message: 'EMEA viewers moved to our secondary CDN',
    },
  },
];

/** The action events of a journal, without their times, in order. */
export function actionEvents(events: JournalEvent[]): Record<string, unknown>[] {
  return events.filter((e) => e.type.startsWith('action.')).map(({ t: _t, v: _v, ...rest }) => rest);
}
