/**
 * The parts of a scenario its run journals verbatim: the `expect` block (in `run.started`) and a
 * fault step's target and parameters (in `fault.applied`). They are defined once here so that the
 * scenario file schema (`scenarios/schema.ts`) and the journal's event schemas
 * (`journal-events.ts`) read the same definition.
 */
import { z } from 'zod';
import { SEVERITIES } from './severities.ts';

/** A label matched to one value, or to any of several. */
export const LabelMatchSchema = z.record(
  z.string().min(1),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
);

/** A fault step's parameters (each fault type says which it reads). */
export const FaultParamsSchema = z.record(
  z.string(),
  z.union([z.number(), z.string(), z.boolean(), z.array(z.string())]),
);

/** The lever names a scenario may expect (`none`: no lever helps this fault). */
export const EXPECTED_MITIGATIONS = ['steer', 'rollback', 'failover', 'disable-flag', 'none'] as const;

/**
 * The `expect` block. A scenario file writes durations as `5m` (the scenario schema passes its
 * duration parser); the journal holds the parsed milliseconds (`z.number()`): same fields, same
 * defaults, one definition.
 */
export function expectSchema<D extends z.ZodType<number, unknown>>(duration: D) {
  const AlertExpectation = z.strictObject({
    alert: z.string().min(1),
    labels: z.record(z.string(), z.string()).default({}),
    within: duration.optional().describe('after user impact starts'),
  });
  return z
    .strictObject({
      severity: z.enum([...SEVERITIES, 'none']).optional(),
      scope: LabelMatchSchema.optional(),
      mitigations: z.array(z.enum(EXPECTED_MITIGATIONS)).default([]),
      alerts: z
        .strictObject({
          mustFire: z.array(AlertExpectation).default([]),
          mustNotFire: z.array(AlertExpectation.omit({ within: true })).default([]),
        })
        .default({ mustFire: [], mustNotFire: [] }),
    })
    .default({ mitigations: [], alerts: { mustFire: [], mustNotFire: [] } });
}

/** The `expect` block as journaled (durations in ms). */
export const JournaledExpectSchema = expectSchema(z.number().nonnegative());
export type ScenarioExpect = z.output<typeof JournaledExpectSchema>;
