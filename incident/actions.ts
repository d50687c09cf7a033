/**
 * What a team can do during an incident, as data. Every action is journaled as
 * `action.<kind>` with its time, the role that took it and its arguments — the same whether it
 * came from the console, the CLI (`streamdrill act`), a chat bot, a script or the runbook bot.
 */
import { z } from 'zod';
import { SEVERITIES } from './severities.ts';

export const ROLES = ['ic', 'ops', 'comms', 'sme', 'scribe', 'oncall'] as const;
export type Role = (typeof ROLES)[number];

const role = z.enum(ROLES);
const base = { role };

export const ActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('acknowledge'), alert: z.string().optional() }),
  z.strictObject({
    ...base,
    kind: z.literal('confirm'),
    source: z.string().min(1).describe('the independent source cross-checked'),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('scope'),
    region: z.string().optional(),
    cdn: z.string().optional(),
    pop: z.string().optional(),
    isp: z.string().optional(),
    device: z.string().optional(),
    viewersAffected: z.number().min(0).optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('declare'), severity: z.enum(SEVERITIES) }),
  z.strictObject({ ...base, kind: z.literal('dashboard'), dashboard: z.string().min(1) }),
  z.strictObject({
    ...base,
    kind: z.literal('status'),
    state: z.enum(['investigating', 'identified', 'monitoring', 'resolved']).default('investigating'),
    message: z.string().min(1),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('page'),
    who: z.string().min(1).describe('ic, manager, sme, or vendor:<name>'),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('mitigate'),
    lever: z.string().min(1),
    args: z.record(z.string(), z.string()).default({}),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('followup'),
    title: z.string().min(1),
    due: z.string().optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('rootcause'), cause: z.string().min(1) }),
  z.strictObject({ ...base, kind: z.literal('bridge') }),
  z.strictObject({ ...base, kind: z.literal('review'), scheduledFor: z.string().min(1) }),
  z.strictObject({
    ...base,
    kind: z.literal('assign'),
    assignee: z.enum(ROLES),
    alias: z.string().optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('resolve') }),
  z.strictObject({ ...base, kind: z.literal('note'), text: z.string().min(1) }),
]);
export type Action = z.output<typeof ActionSchema>;
/** Every kind of action, in the order above. */
export const ACTION_KINDS = ActionSchema.options.map((o) => o.shape.kind.value);
export type ActionInput = z.input<typeof ActionSchema>;
export type ActionKind = Action['kind'];
