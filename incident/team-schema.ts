/**
 * The scripted team in a scenario file: either a script of exact actions (times relative to the
 * first page, or to the scenario start), or the runbook bot with its reaction times.
 */
import { z } from 'zod';
import { ActionSchema, ROLES } from '../core/actions.ts';
import { DurationMs } from '../core/duration.ts';

export const ScriptTeamSchema = z.strictObject({
  kind: z.literal('script'),
  anchor: z.enum(['page', 'start']).default('page').describe('what action times count from'),
  actions: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .superRefine((list, ctx) => {
      list.forEach((a, i) => {
        const { at, ...action } = a;
        const t = DurationMs.safeParse(at);
        if (!t.success)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'at'],
            message: t.error.issues[0]?.message ?? 'expected a duration',
          });
        const r = ActionSchema.safeParse(action);
        if (!r.success) {
          for (const issue of r.error.issues)
            ctx.addIssue({ code: 'custom', path: [i, ...issue.path], message: issue.message });
        }
      });
    }),
});

export const BotTeamSchema = z.strictObject({
  kind: z.literal('bot'),
  /** Reaction times of the runbook bot. */
  acknowledgeAfter: DurationMs.default(40_000),
  confirmAfter: DurationMs.default(60_000),
  declareAfter: DurationMs.default(120_000),
  dashboardEvery: DurationMs.default(15_000),
  mitigateAfterDashboards: DurationMs.default(60_000),
  statusAfterDeclare: DurationMs.default(5 * 60_000),
  statusEvery: DurationMs.default(10 * 60_000),
  roles: z.partialRecord(z.enum(['commander', 'operator', 'communicator']), z.enum(ROLES)).default({}),
});

export const TeamSchema = z.union([ScriptTeamSchema, BotTeamSchema]);
export type TeamSpec = z.output<typeof TeamSchema>;
export type ScriptTeamSpec = z.output<typeof ScriptTeamSchema>;
export type BotTeamSpec = z.output<typeof BotTeamSchema>;
