/**
 * JSON Schemas for editor completion, generated from the zod schemas (input side, so durations
 * accept `2m` strings). `npm run schemas` rewrites the published files; a test checks they are current.
 */
import { z } from 'zod';
import { RuleFileSchema } from '../rules/schema.ts';
import { ScenarioSchema } from './schema.ts';

export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'streamdrill scenario',
  };
}

export function rulesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RuleFileSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'streamdrill alert rules',
  };
}

export const PUBLISHED = [
  { file: 'scenario.schema.json', make: scenarioJsonSchema },
  { file: 'rules.schema.json', make: rulesJsonSchema },
] as const;
