/**
 * The shipped Prometheus rule file speaks the catalogue: every series it selects is a catalogue
 * gauge, selected by slice labels the series carry, and every rule of the default rule file that
 * reads a metric reads it under the catalogue's name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROM_SLICE_LABELS } from '../metrics/catalogue.ts';
import { DEFAULT_RULES, loadRules } from '../rules/load.ts';
import { selectors } from '../test/support/promql.ts';
import { PROM_METRICS, promMetricName } from './metrics.ts';
import { parsePromRules } from './rule-file.ts';

const FILE = join(import.meta.dirname, '../scenarios/rules/default.prometheus.yml');
const rules = parsePromRules(readFileSync(FILE, 'utf8'), FILE);

describe('the shipped Prometheus rule file', () => {
  it('selects only catalogue gauges, by their slice labels', () => {
    const gauges = new Set(PROM_METRICS.map((m) => m.name));
    const seen = rules.flatMap((r) => selectors(r.expr));
    expect(seen.length).toBeGreaterThanOrEqual(rules.length);
    for (const s of seen) {
      expect(gauges.has(s.metric), `${s.text}: not a catalogue gauge`).toBe(true);
      for (const m of s.matchers) expect(PROM_SLICE_LABELS as readonly string[], s.text).toContain(m.label);
    }
  });

  it('reads the same metric as the streamdrill rule of the same name', async () => {
    const own = await loadRules(DEFAULT_RULES);
    let compared = 0;
    for (const r of rules) {
      const mine = own.rules.find((x) => x.name === r.alert);
      if (!mine || !('metric' in mine)) continue;
      const names = new Set(selectors(r.expr).map((s) => s.metric));
      expect([...names], r.alert).toEqual([promMetricName(mine.metric)]);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });
});
