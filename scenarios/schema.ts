/**
 * The scenario file format (YAML), validated with zod. A JSON Schema generated from it
 * (`scenarios/scenario.schema.json`) gives editors completion. Unknown keys are errors.
 */
import { z } from 'zod';
import { DAY_MS, DurationMs, durationWithin } from '../core/duration.ts';
import { expectSchema, FaultParamsSchema, LabelMatchSchema } from '../core/scenario-parts.ts';
import { FAULT_TYPES } from '../faults/index.ts';
import { TeamSchema } from '../incident/team-schema.ts';
import { METRIC_IDS, WhereSchema } from '../metrics/catalogue.ts';
import { TopologySchema } from '../origin-stub/topology.ts';
import { PopulationSpecSchema } from '../simulator/population.ts';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (max 64)');
const labels = LabelMatchSchema;

/**
 * Who watches: the virtual-time simulator's population (one definition, simulator/population.ts) plus
 * how many real players stand for it in real time.
 */
export const PopulationSchema = PopulationSpecSchema.extend({
  realViewers: z.number().int().min(1).max(64).default(12).describe('real players in a real-time run'),
}).describe('who watches');

const Ramp = z.strictObject({
  param: z.string().default('share'),
  from: z.number(),
  over: DurationMs,
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const FaultStepSchema = z.strictObject({
  at: DurationMs.describe('time from the scenario start'),
  id: name.optional().describe('name to refer to this fault (remove steps, reports)'),
  fault: z
    .enum(FAULT_TYPES)
    .describe('the fault type (faults/index.ts; `streamdrill stack fault add --help` lists them)'),
  target: labels.default({}).describe('labels the fault matches (HTTP) or link labels it selects (TCP)'),
  params: FaultParamsSchema.default({}),
  ramp: Ramp.optional().describe(
    'start a numeric parameter at `from` and move it linearly to its value (default: the parameter’s default)',
  ),
  duration: DurationMs.optional().describe(
    'remove the fault after this long (default: until removed or the end)',
  ),
  note: z.string().optional(),
});

export const RemoveStepSchema = z.strictObject({
  at: DurationMs,
  remove: name.describe('id of the fault step to remove'),
  note: z.string().optional(),
});

export const StepSchema = z.union([FaultStepSchema, RemoveStepSchema]);

const Bound = z.strictObject({
  metric: z.enum(METRIC_IDS),
  where: WhereSchema.default({}),
  above: z.number().optional(),
  below: z.number().optional(),
  for: durationWithin(0, DAY_MS).default(0),
});

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    title: z.string().min(1),
    description: z.string().default(''),
    tags: z.array(z.string().min(1)).default([]),
    seed: z.union([z.number().int(), z.string()]).default(1),
    start: z
      .strictObject({
        at: z.iso.datetime({ offset: true }).describe('wall-clock start (ISO 8601)'),
        timeZone: z
          .string()
          .default('UTC')
          .refine(isTimeZone, {
            error: (i) =>
              `expected an IANA time zone such as UTC or Europe/London, got ${JSON.stringify(i.input)}`,
          }),
      })
      .default({ at: '2026-11-21T19:37:00Z', timeZone: 'UTC' }),
    duration: durationWithin(10_000, 60 * DAY_MS),
    population: PopulationSchema,
    topology: TopologySchema.partial().optional(),
    timeline: z.array(StepSchema).default([]),
    checks: z.array(Bound).default([]).describe('steady-state checks, reported'),
    halt: z
      .array(Bound)
      .default([])
      .describe('stop the drill and roll back if a guard metric crosses its bound'),
    expect: expectSchema(DurationMs),
    team: TeamSchema.optional().describe('the scripted team: a script of exact actions, or the runbook bot'),
    narration: z
      .array(
        z.strictObject({
          at: DurationMs.describe('scenario time the line is read out'),
          text: z.string().min(1),
          inject: z
            .boolean()
            .default(false)
            .describe('an inject: something happens to the team (a person joins, a message arrives)'),
        }),
      )
      .default([])
      .describe('what a trainer reads out, and injects, at scripted times (journaled as narration)'),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.timeline.forEach((step, i) => {
      if ('fault' in step && step.id) {
        if (ids.has(step.id))
          ctx.addIssue({
            code: 'custom',
            path: ['timeline', i, 'id'],
            message: `duplicate step id ${step.id}`,
          });
        ids.add(step.id);
      }
      if (step.at > s.duration) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeline', i, 'at'],
          message: 'step is after the end of the scenario',
        });
      }
    });
    s.narration.forEach((n, i) => {
      if (n.at > s.duration)
        ctx.addIssue({
          code: 'custom',
          path: ['narration', i, 'at'],
          message: 'narration is after the end of the scenario',
        });
    });
    s.timeline.forEach((step, i) => {
      if ('remove' in step && !ids.has(step.remove)) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeline', i, 'remove'],
          message: `no fault step with id ${step.remove}`,
        });
      }
    });
    [...s.checks, ...s.halt].forEach((b, i) => {
      if (b.above === undefined && b.below === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i < s.checks.length ? 'checks' : 'halt', i < s.checks.length ? i : i - s.checks.length],
          message: 'give above or below',
        });
      }
    });
  });

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioStep = z.output<typeof StepSchema>;
export type FaultStepSpec = Extract<ScenarioStep, { fault: string }>;
export type Population = z.output<typeof PopulationSchema>;
