/**
 * What a team can do during an incident, as data. Every action is journaled as
 * `action.<kind>` with its time, the role that took it and its arguments — the same whether it
 * came from the console, the CLI (`streamdrill act`), a chat bot, a script or the runbook bot.
 *
 * It lives in `core/` because the journal's event schemas (`journal-events.ts`) are built from
 * these fields: one definition for the action the desk takes and the event it journals.
 */
import { z } from 'zod';
import { SEVERITIES } from './severities.ts';

export const ROLES = ['ic', 'ops', 'comms', 'sme', 'scribe', 'oncall'] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = z.enum(ROLES);

/** A lever and its arguments: what a mitigation pulls, and what undoes it. */
export const LeverCallSchema = z.object({
  lever: z.string().min(1),
  args: z.record(z.string(), z.string()),
});
export type LeverCall = z.output<typeof LeverCallSchema>;

export const STATUS_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;

/** Each action kind's fields beyond `role` (and `kind`), in the order they are journaled. */
export const ACTION_FIELDS = {
  acknowledge: { alert: z.string().optional() },
  confirm: { source: z.string().min(1).describe('the independent source cross-checked') },
  scope: {
    region: z.string().optional(),
    cdn: z.string().optional(),
    pop: z.string().optional(),
    isp: z.string().optional(),
    device: z.string().optional(),
    viewersAffected: z.number().min(0).optional(),
  },
  declare: { severity: z.enum(SEVERITIES) },
  dashboard: { dashboard: z.string().min(1) },
  status: {
    state: z.enum(STATUS_STATES).default('investigating'),
    message: z.string().min(1),
  },
  page: { who: z.string().min(1).describe('ic, manager, sme, or vendor:<name>') },
  mitigate: {
    lever: LeverCallSchema.shape.lever,
    args: LeverCallSchema.shape.args.default({}),
  },
  followup: { title: z.string().min(1), due: z.string().optional() },
  rootcause: { cause: z.string().min(1) },
  bridge: {},
  review: { scheduledFor: z.string().min(1) },
  assign: { assignee: RoleSchema, alias: z.string().optional() },
  resolve: {},
  note: { text: z.string().min(1) },
} as const;

export type ActionKind = keyof typeof ACTION_FIELDS;
export const ACTION_KINDS = Object.keys(ACTION_FIELDS) as ActionKind[];

const action = <K extends ActionKind>(kind: K) =>
  z.strictObject({ role: RoleSchema, kind: z.literal(kind) }).extend(ACTION_FIELDS[kind]);

export const ActionSchema = z.discriminatedUnion('kind', [
  action('acknowledge'),
  action('confirm'),
  action('scope'),
  action('declare'),
  action('dashboard'),
  action('status'),
  action('page'),
  action('mitigate'),
  action('followup'),
  action('rootcause'),
  action('bridge'),
  action('review'),
  action('assign'),
  action('resolve'),
  action('note'),
]);
export type Action = z.output<typeof ActionSchema>;
export type ActionInput = z.input<typeof ActionSchema>;
