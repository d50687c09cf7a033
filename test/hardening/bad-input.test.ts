/**
 * Bad input files get one clear error each — the file, the line, the path inside it and what was
 * expected — at load time, before anything runs: absurd durations, unknown time zones, populations
 * and rule filters naming things the stack does not have, runbook steps no action does, union
 * errors explained by the branch meant, oversized files and YAML alias bombs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../../core/yaml-file.ts';
import { DEFAULT_RUNBOOK, loadRunbook } from '../../incident/runbook.ts';
import { resolveTopology } from '../../origin-stub/topology.ts';
import { checkRuleLabels, knownLabelValues } from '../../rules/labels.ts';
import { loadRules } from '../../rules/load.ts';
import { loadScenario } from '../../scenarios/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'sd-bad-input-'));
const MINIMAL = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'minimal.yaml'),
  'utf8',
);
const RULES = `version: 1
rules:
  - name: RebufferPage
    action: page
    metric: rebuffering_share
    groupBy: [region]
    threshold: 0.05
    for: 1m
`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function errorOf(load: () => Promise<unknown>): Promise<string> {
  try {
    await load();
  } catch (err) {
    if (err instanceof InputFileError) return err.message;
    throw err;
  }
  throw new Error('loaded without errors');
}

describe('bad scenario files', () => {
  it.each([
    [
      'huge duration',
      (t: string) => t.replace(/^duration: .*$/m, 'duration: 3650d'),
      /duration: expected a duration of at most 60d/,
    ],
    [
      'zero duration',
      (t: string) => t.replace(/^duration: .*$/m, 'duration: 0'),
      /duration: expected a duration of at least 10s/,
    ],
    [
      'unknown time zone',
      (t: string) => `start: { at: "2026-11-21T19:37:00Z", timeZone: Mars/Olympus }\n${t}`,
      /start\.timeZone: expected an IANA time zone such as UTC or Europe\/London, got "Mars\/Olympus"/,
    ],
    [
      'a region the stack does not have',
      (t: string) => t.replace('regions: { emea: 1 }', 'regions: { emea: 0.5, mars: 0.5 }'),
      /population: unknown region 'mars' \(known: emea, na\)/,
    ],
  ])('%s', async (name, edit, expected) => {
    const f = file(`${name.replace(/\W+/g, '-')}.yaml`, edit(MINIMAL));
    const msg = await errorOf(() => loadScenario(f));
    expect(msg).toMatch(expected);
    expect(msg).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('refuses a file of several megabytes before parsing it', async () => {
    const f = file('huge.yaml', `${MINIMAL}\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    expect(await errorOf(() => loadScenario(f))).toMatch(/the file is 2\.0 MB: expected at most 1 MB/);
  });

  it('refuses a YAML alias bomb', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const f = file('bomb.yaml', `${levels.join('\n')}\n`);
    expect(await errorOf(() => loadScenario(f))).toMatch(/not usable YAML: Excessive alias count/);
  });
});

describe('bad rule files', () => {
  it.each([
    [
      'window 0',
      RULES.replace('    for: 1m', '    for: 1m\n    window: 0'),
      /rules\[0\]\.window: expected a duration of at least 1s/,
    ],
    [
      'evaluationInterval 0',
      `evaluationInterval: 0\n${RULES}`,
      /evaluationInterval: expected a duration of at least 1s/,
    ],
    [
      'a threshold rule with a typo in one field (explained by the branch meant, not "Invalid input")',
      RULES.replace('threshold: 0.05', 'threshold: high'),
      /rules\[0\]\.threshold: Invalid input: expected number, received string/,
    ],
  ])('%s', async (name, text, expected) => {
    const f = file(`${name.replace(/\W+/g, '-').slice(0, 40)}.yaml`, text);
    const msg = await errorOf(() => loadRules(f));
    expect(msg).toMatch(expected);
    expect(msg).not.toMatch(/: Invalid input$/m);
  });

  it('refuses a filter on a label value no session of the scenario can carry', async () => {
    const f = file('mars.yaml', RULES.replace('    for: 1m', '    for: 1m\n    where: { region: mars }'));
    const rules = await loadRules(f);
    const known = knownLabelValues([resolveTopology({})], ['news', 'sport']);
    const msg = await errorOf(() => checkRuleLabels(f, rules, known));
    expect(msg).toMatch(
      /mars\.yaml:\d+:\d+: rules\[0\]\.where\.region: no region "mars" in the scenario's stack \(known: emea, na\)/,
    );
  });
});

describe('bad runbooks', () => {
  const runbook = readFileSync(DEFAULT_RUNBOOK, 'utf8');

  it('refuses a step whose action no team action does', async () => {
    const f = file('dance.yaml', runbook.replace('action: confirm }', 'action: dance }'));
    expect(await errorOf(() => loadRunbook(f))).toMatch(
      /steps\[0\]\.action: Invalid option: expected one of "acknowledge"\|/,
    );
  });

  it('explains a paging rule that fits neither form', async () => {
    const f = file(
      'paging.yaml',
      runbook.replace(/^ {2}SEV2: \{ businessHours.*$/m, '  SEV2: { always: oncall }'),
    );
    const msg = await errorOf(() => loadRunbook(f));
    expect(msg).toMatch(/paging\.SEV2\.always: Invalid input: expected array, received string/);
  });
});
