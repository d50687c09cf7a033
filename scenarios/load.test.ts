/** Scenario files: valid ones load; broken ones are reported with file, line, path and what was expected. */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../core/yaml-file.ts';
import { PUBLISHED } from './json-schema.ts';
import { loadScenario, SCENARIO_DIR } from './load.ts';

const FIX = join(import.meta.dirname, '..', 'test', 'fixtures', 'scenarios');

async function errorsOf(file: string): Promise<string[]> {
  try {
    await loadScenario(join(FIX, file));
  } catch (err) {
    if (err instanceof InputFileError) return err.message.split('\n').map((l) => l.replace(`${FIX}/`, ''));
    throw err;
  }
  throw new Error(`${file} loaded without errors`);
}

describe('scenario loading', () => {
  it('loads a valid scenario and compiles its steps to stack fault inputs', async () => {
    const s = await loadScenario(join(FIX, 'minimal.yaml'));
    expect(s.name).toBe('minimal');
    expect(s.scenario.duration).toBe(120_000);
    expect(s.scenario.timeline[0]).toMatchObject({ at: 30_000, duration: 30_000 });
    expect(s.faults[0]).toEqual({
      layer: 'http',
      input: {
        type: 'http-status',
        match: { cdn: 'cdn-a', pop: 'fra', kind: 'segment' },
        status: 503,
        share: 0.5,
      },
    });
    expect(s.scenario.population.sessions).toBe(10_000);
  });

  it('names an unknown key and its line', async () => {
    expect(await errorsOf('unknown-key.yaml')).toEqual([
      'unknown-key.yaml:1:1: duration: required key is missing',
      'unknown-key.yaml:2:1: duraton: unknown key',
    ]);
  });

  it('explains bad durations, fault types and dangling removes', async () => {
    const errs = await errorsOf('bad-step.yaml');
    expect(errs).toContain(
      'bad-step.yaml:2:11: duration: expected a duration like 30s, 2m, 1h30m or 500ms, got "5 minutes"',
    );
    expect(
      errs.some((e) =>
        e.startsWith('bad-step.yaml:8:12: timeline[0].fault: Invalid option: expected one of "http-status"'),
      ),
    ).toBe(true);
  });

  it('validates fault parameters with the stack’s own schemas, at the step’s line', async () => {
    const errs = await errorsOf('bad-params.yaml');
    expect(errs).toEqual([
      'bad-params.yaml:9:15: timeline[0].target.colour: unknown key',
      'bad-params.yaml:10:23: timeline[0].params.status: Too small: expected number to be >=400',
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const errs = await errorsOf('not-yaml.yaml');
    expect(errs[0]).toMatch(/^not-yaml\.yaml:\d+:\d+: \(document\): not valid YAML: /);
  });

  it('publishes JSON Schemas that match the zod schemas (run `npm run schemas` after changing them)', async () => {
    for (const { file, make } of PUBLISHED) {
      const published = JSON.parse(await readFile(join(SCENARIO_DIR, file), 'utf8'));
      expect(published, file).toEqual(JSON.parse(JSON.stringify(make())));
    }
  });
});

describe('scenario cross-checks', () => {
  it('catches removes of unknown steps and steps after the end', async () => {
    expect(await errorsOf('dangling-remove.yaml')).toEqual([
      'dangling-remove.yaml:13:9: timeline[2].at: step is after the end of the scenario',
      'dangling-remove.yaml:12:13: timeline[1].remove: no fault step with id ghost',
    ]);
  });
});
