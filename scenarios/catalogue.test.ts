/**
 * Every catalogue scenario runs in virtual time with the runbook bot and scores as documented: the
 * grid's severity is the scenario's, the alerts that must (not) fire do (not), and the bot's first
 * lever is one the scenario accepts (or none where no lever helps).
 */
import { describe, expect, it } from 'vitest';
import { runVirtual } from '../drill/run-virtual.ts';
import { loadRunbook } from '../incident/runbook.ts';
import { DEFAULT_RULES, loadRules } from '../rules/load.ts';
import { listScenarioFiles, loadScenario } from './load.ts';

const files = (await listScenarioFiles()).filter((f) => !f.endsWith('worked-example.yaml'));

describe('scenario catalogue with the runbook bot', () => {
  it('has at least twelve scenarios besides the worked example', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  for (const file of files) {
    const name = file.split('/').pop()!.replace('.yaml', '');
    it(`${name} scores as documented`, async () => {
      const loaded = await loadScenario(file);
      const { result, events } = await runVirtual({
        loaded,
        rules: await loadRules(),
        rulesFile: DEFAULT_RULES,
        runbook: await loadRunbook(),
        team: 'bot',
      });
      const card = result.scorecard!;
      const expected = loaded.scenario.expect;
      if (expected.severity)
        expect(card.severity.truth, card.severity.reasons.join('; ')).toBe(expected.severity);
      for (const e of result.expectations) expect(e.pass, `${e.description}: ${e.why}`).toBe(true);
      const levers = events.filter((e) => e.type === 'lever.pulled').map((e) => String(e.lever));
      if (expected.mitigations.includes('none')) expect(levers, 'no lever fixes this fault').toEqual([]);
      else if (expected.mitigations.length > 0) expect(expected.mitigations).toContain(levers[0]);
      // Every fault the scenario applied is gone at the end.
      const applied = events.filter((e) => e.type === 'fault.applied').length;
      expect(events.filter((e) => e.type === 'fault.removed').length).toBe(applied);
    }, 120_000);
  }
});
