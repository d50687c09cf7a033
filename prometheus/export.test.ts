import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../core/journal.ts';
import { buildAlertTests, buildInputSeries, buildPromtoolTest, promDuration } from './export.ts';
import { promAlertName, promMetricName } from './metrics.ts';
import { expand, expandingNotation } from './notation.ts';
import { runDataFromJournal } from './run-data.ts';

describe('expanding notation', () => {
  it('compresses repeats, progressions, gaps and staleness', () => {
    expect(expandingNotation([null, 0.1, 0.1, 0.1, 0.2, 0.3, 0.4, 'stale', null, null, 5])).toBe(
      '_ 0.1x2 0.2+0.1x2 stale _x2 5',
    );
    expect(expandingNotation([3, 2, 1, 0, 7, 0.0000004])).toBe('3-1x3 7 0');
    expect(expandingNotation([1, 2, null, null])).toBe('1 2');
    expect(expandingNotation([])).toBe('');
  });

  it('round-trips', () => {
    const pts = [null, 0.05, 0.05, 0.06, 0.07, 0.08, 'stale' as const, null, 1];
    expect(expand(expandingNotation(pts)).map((p) => (typeof p === 'number' ? +p.toFixed(6) : p))).toEqual(
      pts,
    );
  });

  it('formats durations the way Prometheus reads them', () => {
    expect(promDuration(0)).toBe('0s');
    expect(promDuration(735_000)).toBe('12m15s');
    expect(promDuration(3_600_000 + 15_000)).toBe('1h15s');
  });
});

const T0 = Date.parse('2026-11-21T19:33:00Z');
const at = (s: number) => T0 + s * 1000;
const fig = (share: number, viewers: number) => ({
  viewers,
  rebufferingShare: share,
  rebufferRatio: share / 2,
  startFailureShare: 0,
  startAttempts: 100,
  affectedShare: share,
});
const sample = (s: number, emea: number, na: number | null): JournalEvent => ({
  v: 1,
  t: at(s),
  type: 'impact.sample',
  global: fig(0.01, 1000),
  slices: { region: { emea: fig(emea, 550), ...(na === null ? {} : { na: fig(na, 450) }) } },
});

const alert = (s: number, type: 'alert.pending' | 'alert.firing' | 'alert.resolved'): JournalEvent => ({
  v: 1,
  t: at(s),
  type,
  rule: 'RebufferPage',
  action: 'page',
  labels: { region: 'emea' },
  value: 0.06,
  activeSince: at(105),
  summary: 'More than 5% of current viewers are rebuffering',
});

/** A small journal: emea climbs past 5% and pages; na disappears for a while. */
function smallJournal(): JournalEvent[] {
  const emea = [0.01, 0.01, 0.01, 0.02, 0.03, 0.06, 0.07, 0.08, 0.08, 0.08, 0.01, 0.01];
  const na = [0.01, 0.01, 0.01, 0.01, null, null, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];
  const events: JournalEvent[] = [
    {
      v: 1,
      t: T0,
      type: 'run.started',
      scenario: 'small',
      title: 'small',
      mode: 'virtual',
      seed: 1,
      startAt: '2026-11-21T19:33:00Z',
      timeZone: 'UTC',
      durationMs: 180_000,
      rules: 'default.yaml',
      team: 'none',
      population: { viewers: 1000, sessions: 100 },
      expect: {
        mitigations: [],
        alerts: {
          mustFire: [{ alert: 'RebufferPage', labels: { region: 'emea' }, within: 60_000 }],
          mustNotFire: [{ alert: 'RebufferPage', labels: { region: 'na' } }],
        },
      },
    },
    { v: 1, t: at(30), type: 'fault.applied', step: 'x', fault: 'http-status', target: {}, params: {} },
    ...emea.map((e, i) => sample(15 * (i + 1), e, na[i]!)),
    alert(105, 'alert.pending'),
    alert(135, 'alert.firing'),
    alert(165, 'alert.resolved'),
  ];
  return events.sort((a, b) => a.t - b.t);
}

describe('export of a journal', () => {
  const run = runDataFromJournal(smallJournal());

  it('names metrics and alerts', () => {
    expect(promMetricName('rebuffering_share')).toBe('streamdrill_qoe_rebuffering_share');
    expect(promMetricName('video_start_failure')).toBe('streamdrill_qoe_video_start_failure_ratio');
    expect(promAlertName('RebufferPage')).toBe('RebufferPage');
  });

  it('writes input_series in expanding notation (exact strings)', () => {
    const series = Object.fromEntries(buildInputSeries(run).map((s) => [s.series, s.values]));
    expect(series['streamdrill_qoe_rebuffering_share{region="emea"}']).toBe(
      '_ 0.01x2 0.02 0.03 0.06+0.01x2 0.08x1 0.01x1',
    );
    expect(series['streamdrill_qoe_rebuffering_share{region="na"}']).toBe('_ 0.01x3 stale _ 0.01x5');
    expect(series.streamdrill_qoe_rebuffering_share).toBe('_ 0.01x11');
    expect(series['streamdrill_qoe_current_viewers{region="emea"}']).toBe('_ 550x11');
    expect(series['streamdrill_qoe_rebuffer_ratio{region="emea"}']).toBe(
      '_ 0.005x2 0.01 0.015 0.03+0.005x2 0.04x1 0.005x1',
    );
    expect(Object.keys(series)).not.toContain('streamdrill_qoe_video_start_failure_ratio');
  });

  it('checks each firing, resolution, the tick before firing and quiet checkpoints', () => {
    const cases = buildAlertTests(run, ['RebufferPage'], {
      quietEveryMs: 60_000,
      staticLabels: () => ({ action: 'page' }),
    });
    expect(cases.map((c) => [c.eval_time, c.exp_alerts.map((a) => a.exp_labels.region)])).toEqual([
      ['1m', []],
      ['2m', []],
      ['2m15s', ['emea']],
      ['2m45s', []],
      ['3m', []],
    ]);
    expect(cases[2]!.exp_alerts[0]!.exp_labels).toEqual({ region: 'emea', action: 'page' });
  });

  it('translates expectations: mustFire by its deadline, mustNotFire never', () => {
    const file = buildPromtoolTest(run, {
      ruleFiles: ['/rules.yml'],
      rules: ['RebufferPage'],
      expect: run.expect,
    });
    expect(file.evaluation_interval).toBe('15s');
    const times = file.tests[0]!.alert_rule_test.map((c) => c.eval_time);
    // No impact above baseline: the deadline is the fault (30s) + 1m. The first firing (2m15s)
    // is late, so the deadline itself is checked, and there the page must be firing.
    expect(times).toEqual(['1m30s', '2m', '2m15s', '2m45s', '3m']);
    const atDeadline = file.tests[0]!.alert_rule_test.find((c) => c.eval_time === '1m30s')!;
    expect(atDeadline.exp_alerts).toEqual([{ exp_labels: { region: 'emea' } }]);
  });
});
