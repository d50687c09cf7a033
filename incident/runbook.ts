/**
 * The runbook as data: roles, the seven triage steps, the seven dashboards, the four mitigations,
 * timing targets and the paging policy. Defaults: scenarios/runbook/default.yaml (each number with
 * the article line it comes from). Teams override any of it with their own file.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ACTION_KINDS, type ActionKind } from '../core/actions.ts';
import { DAY_MS, durationWithin } from '../core/duration.ts';
import { SCENARIO_DIR } from '../core/paths.ts';
import { SEVERITIES, type Severity } from '../core/severities.ts';
import { loadYamlWith } from '../core/yaml-file.ts';

export { SEVERITIES, type Severity };

const id = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
const people = z.array(z.string().min(1));
const dayName = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00');
const PagingRule = z.union([
  z.strictObject({ always: people }),
  z.strictObject({ businessHours: people, afterHours: people }),
]);

/** A timing target: some seconds to a day. */
const target = durationWithin(1000, DAY_MS);

export const RunbookSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  roles: z.array(z.strictObject({ id, name: z.string(), duty: z.string().default('') })).min(1),
  steps: z
    .array(
      z.strictObject({
        id,
        name: z.string(),
        action: z
          .enum(ACTION_KINDS as [ActionKind, ...ActionKind[]])
          .describe('the team action that does this step'),
      }),
    )
    .min(1),
  dashboards: z.array(z.strictObject({ id, name: z.string() })).min(1),
  mitigations: z.array(z.strictObject({ id, name: z.string() })).min(1),
  targets: z.strictObject({
    acknowledgeWithin: target,
    declareWithin: target,
    statusPageWithin: z.partialRecord(z.enum(SEVERITIES), target),
    sev1UpdateEvery: durationWithin(60_000, DAY_MS),
    executiveBridgeWithin: z.partialRecord(z.enum(SEVERITIES), target),
    recoveryHold: target,
    followUpPerMitigation: z.boolean(),
    reviewWithinBusinessDays: z.number().int().min(1),
  }),
  paging: z.strictObject({
    businessHours: z.strictObject({ days: z.array(dayName).min(1), from: hhmm, to: hhmm }),
    SEV1: PagingRule,
    SEV2: PagingRule,
    SEV3: PagingRule,
    SEV4: PagingRule,
  }),
});
export type Runbook = z.output<typeof RunbookSchema>;

export const DEFAULT_RUNBOOK = join(SCENARIO_DIR, 'runbook', 'default.yaml');

export async function loadRunbook(file = DEFAULT_RUNBOOK): Promise<Runbook> {
  return (await loadYamlWith(file, RunbookSchema)).value;
}
