/**
 * Alert rule files (YAML): thresholds on QoE metrics, grouped and filtered by labels, with a `for`
 * duration and what a firing alert asks of people (page / investigate / ticket); and SLOs with
 * multi-window, multi-burn-rate alerts on their error budgets (Google SRE workbook, chapter 5).
 */
import { z } from 'zod';
import { DAY_MS, durationWithin, HOUR_MS, MINUTE_MS } from '../core/duration.ts';
import { METRIC_IDS, METRIC_LABELS, SLO_METRIC_IDS, WhereSchema } from '../metrics/catalogue.ts';

export const ACTIONS = ['page', 'investigate', 'ticket'] as const;
export type AlertAction = (typeof ACTIONS)[number];

const ruleName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a rule name like RebufferPage');

const Common = {
  name: ruleName,
  action: z.enum(ACTIONS),
  for: durationWithin(0, DAY_MS)
    .default(0)
    .describe('how long the condition must hold before the alert fires'),
  groupBy: z.array(z.enum(METRIC_LABELS)).default([]),
  where: WhereSchema.default({}),
  summary: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
};

export const ThresholdRule = z.strictObject({
  ...Common,
  metric: z.enum(METRIC_IDS),
  op: z.enum(['>', '>=', '<', '<=']).default('>'),
  threshold: z.number(),
  window: durationWithin(1000, 30 * DAY_MS)
    .default(60_000)
    .describe('sliding window the metric is computed over'),
  minViewers: z.number().min(0).default(0).describe('ignore groups with fewer current viewers (noise)'),
});

export const BurnRateRule = z.strictObject({
  ...Common,
  slo: z.string().min(1),
  /** Both windows must burn faster than `factor` × the sustainable rate. */
  burnRate: z.strictObject({
    long: durationWithin(MINUTE_MS, 30 * DAY_MS),
    short: durationWithin(MINUTE_MS, 30 * DAY_MS),
    factor: z.number().positive(),
  }),
});

export const SloSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** A ratio metric whose value is the share of bad events (or bad time). */
  metric: z.enum(SLO_METRIC_IDS),
  target: z.number().gt(0).lt(1).describe('good share, e.g. 0.995'),
  window: durationWithin(HOUR_MS, 90 * DAY_MS).describe('the SLO window, e.g. 30d'),
});

export const RuleFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    evaluationInterval: durationWithin(1000, 10 * MINUTE_MS).default(15_000),
    slos: z.array(SloSchema).default([]),
    rules: z.array(z.union([ThresholdRule, BurnRateRule])).min(1),
  })
  .superRefine((f, ctx) => {
    const names = new Set<string>();
    f.rules.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule name ${r.name}`,
        });
      names.add(r.name);
      if ('slo' in r && !f.slos.some((s) => s.name === r.slo)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'slo'],
          message: `no SLO named ${r.slo} (slos: ${f.slos.map((s) => s.name).join(', ') || 'none'})`,
        });
      }
    });
  });

export type RuleFile = z.output<typeof RuleFileSchema>;
export type ThresholdRuleSpec = z.output<typeof ThresholdRule>;
export type BurnRateRuleSpec = z.output<typeof BurnRateRule>;
export type RuleSpec = ThresholdRuleSpec | BurnRateRuleSpec;
export type Slo = z.output<typeof SloSchema>;
