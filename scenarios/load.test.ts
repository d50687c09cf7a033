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

describe('fault steps against the stack (issue 16: typos made a drill vacuous)', () => {
  it('refuses unknown targets, toxic attributes, absurd delays, bad ramps and changes, at their lines', async () => {
    expect(await errorsOf('bad-targets.yaml')).toEqual([
      "bad-targets.yaml:9:32: timeline[0].target.pop: unknown pop 'xyz' (POPs: fra, ams, par, iad, sjc, shield-emea, shield-na)",
      "bad-targets.yaml:13:20: timeline[1].target.cdn: unknown cdn 'cdn-zzz' (CDNs: cdn-a, cdn-b)",
      "bad-targets.yaml:17:15: timeline[2].params.latncy: unknown key 'latncy' (latency attributes: latency, jitter)",
      'bad-targets.yaml:21:24: timeline[3].params.latency: at most 600000 ms (10 minutes)',
      "bad-targets.yaml:26:20: timeline[4].ramp.param: http-delay has no numeric parameter 'delay' to ramp (numeric: delayMs, share)",
      "bad-targets.yaml:29:20: timeline[5].ramp.param: cache-control-malformed has no numeric parameter 'value' to ramp (it has none)",
      'bad-targets.yaml:33:19: timeline[6].ramp.from: share cannot start at 1.5: Too big: expected number to be <=1',
      'bad-targets.yaml:36:13: timeline[7].target: a deploy step takes no target (its params say what changes)',
      "bad-targets.yaml:37:26: timeline[7].params.component: unknown component 'toaster' (components: encoder, packager, player-hlsjs, player-shaka, player-dashjs)",
      "bad-targets.yaml:40:21: timeline[8].params.flag: unknown feature flag 'low-latency' (flags: ad-pod)",
      "bad-targets.yaml:40:50: timeline[8].params.brokenFor[1]: unknown device class 'fridge' (device classes: desktop, mobile, tv)",
      'bad-targets.yaml:43:13: timeline[9].target: matches nothing manifest-freeze acts on: it acts on origin, backup-origin (manifest) requests',
    ]);
  });

  it('checks targets against the scenario’s own topology', async () => {
    const errs = await errorsOf('own-topology.yaml');
    expect(errs).toEqual([
      "own-topology.yaml:13:51: timeline[1].target.pop: unknown pop 'fra' (POPs: lhr, shield-emea)",
    ]);
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
