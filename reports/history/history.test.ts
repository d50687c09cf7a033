import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerHistory } from '../../cli/commands/history.ts';
import { InputError } from '../../cli/errors.ts';
import type { RunResult } from '../../drill/result.ts';
import type { Scorecard } from '../../incident/scoring.ts';
import { HistoryError, openHistory, SCHEMA_VERSION } from './db.ts';
import { auditTable, trendsTable } from './format.ts';
import { alertAudit, trends } from './queries.ts';
import { recordRun } from './record.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-31T12:00:00Z');
const T = Date.parse('2026-11-21T19:33:00Z');
const min = (m: number) => T + m * 60_000;

const RULES = {
  rules: [
    { name: 'RebufferPage', action: 'page' },
    { name: 'SoftPage', action: 'page' },
    { name: 'NoisyInvestigate', action: 'investigate' },
    { name: 'MixedTicket', action: 'ticket' },
    { name: 'QuietTicket', action: 'ticket' },
    { name: 'QuietPage', action: 'page' },
  ],
};

type Alert = [rule: string, action: string, region: string, firedMin: number];

function result(o: {
  scenario: string;
  truth: Scorecard['severity']['truth'];
  score: number;
  page: number;
  declared: number;
  mitigated: number;
  alerts: Alert[];
}): RunResult {
  const scorecard: Scorecard = {
    scenario: o.scenario,
    severity: { truth: o.truth, declared: 'SEV2', comparison: '', reasons: [], scope: { region: ['emea'] } },
    times: {
      firstFault: min(1),
      impactStart: min(2),
      firstPage: min(o.page),
      acknowledged: min(o.page + 1),
      declared: min(o.declared),
      firstMitigation: min(o.mitigated),
      impactReduced: min(o.mitigated + 2),
      recovered: null,
      resolved: null,
    },
    items: [],
    score: o.score,
  };
  return {
    version: 1,
    scenario: o.scenario,
    title: o.scenario,
    mode: 'virtual',
    seed: 1,
    startAt: new Date(T).toISOString(),
    durationMs: 3_600_000,
    endedBy: 'end',
    wallMs: 1,
    faults: [{ step: 'f', fault: 'http-status', appliedAt: min(1), removedAt: min(30) }],
    alerts: o.alerts.map(([rule, action, region, m]) => ({
      rule,
      action,
      labels: { region },
      firedAt: min(m),
      resolvedAt: min(m + 5),
      peakValue: 0.1,
    })),
    series: [],
    checks: { violations: 0, details: [] },
    expectations: [],
    scorecard,
    errors: [],
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'sd-history-'));

describe('drill history', () => {
  it('records runs and reports trends and the alert audit', async () => {
    const db = join(tmp(), 'nested', 'history.db');
    const first = await recordRun({
      db,
      ranAt: new Date(NOW - 30 * DAY),
      rules: RULES,
      result: result({
        scenario: 'cdn',
        truth: 'SEV2',
        score: 70,
        page: 4,
        declared: 8,
        mitigated: 12,
        alerts: [
          ['RebufferPage', 'page', 'emea', 4],
          ['NoisyInvestigate', 'investigate', 'na', 5], // outside the scope
          ['MixedTicket', 'ticket', 'emea', 6],
          ['MixedTicket', 'ticket', 'na', 6],
        ],
      }),
    });
    expect(first.inserted).toBe(true);
    expect(first.times).toEqual({
      detect: 120_000,
      acknowledge: 60_000,
      declare: 360_000,
      mitigate: 600_000,
      impactReduction: 720_000,
      resolve: null,
    });
    expect(first.alerts.map((a) => [a.rule, a.actionable])).toEqual([
      ['RebufferPage', true],
      ['NoisyInvestigate', false],
      ['MixedTicket', true],
      ['MixedTicket', false],
    ]);
    await recordRun({
      db,
      ranAt: new Date(NOW - 10 * DAY),
      rules: RULES,
      result: result({
        scenario: 'cdn',
        truth: 'SEV3',
        score: 85,
        page: 3,
        declared: 5,
        mitigated: 7,
        alerts: [
          ['RebufferPage', 'page', 'emea', 3],
          ['SoftPage', 'page', 'emea', 3],
          ['NoisyInvestigate', 'investigate', 'na', 4],
          ['MixedTicket', 'ticket', 'na', 0], // before the faults: noise
          ['MixedTicket', 'ticket', 'na', 8],
        ],
      }),
    });
    // Older than 90 days: QuietTicket fired then, which does not count now.
    await recordRun({
      db,
      ranAt: new Date(NOW - 200 * DAY),
      rules: RULES,
      result: result({
        scenario: 'old',
        truth: 'SEV2',
        score: 50,
        page: 9,
        declared: 20,
        mitigated: 25,
        alerts: [['QuietTicket', 'ticket', 'emea', 5]],
      }),
    });

    const h = openHistory(db, { mustExist: true });
    try {
      const t = trends(h, { scenario: 'cdn' });
      expect(t.runs.map((r) => r.score)).toEqual([70, 85]);
      expect(t.scenarios).toHaveLength(1);
      const cdn = t.scenarios[0]!;
      expect(cdn.runs).toBe(2);
      expect(cdn.detect).toEqual({ n: 2, first: 120_000, last: 60_000, median: 90_000, change: -60_000 });
      expect(cdn.declare.change).toBe(-180_000);
      expect(cdn.mitigate.median).toBe(450_000);
      expect(cdn.score.change).toBe(15);
      expect(trends(h).overall!.runs).toBe(3);
      expect(trendsTable(t)).toMatch(/cdn\s+2\s+.*85 better.*1m30s \(2m → 1m better\)/);

      const audit = alertAudit(h, { now: NOW });
      expect(audit.runs).toBe(2);
      const flags = Object.fromEntries(audit.rules.map((r) => [r.rule, [r.flag, r.firings, r.actionable]]));
      expect(flags).toEqual({
        RebufferPage: ['ok', 2, 2],
        SoftPage: ['demote', 1, 1],
        NoisyInvestigate: ['delete', 2, 0],
        MixedTicket: ['tune', 4, 1],
        QuietTicket: ['delete', 0, 0],
        QuietPage: ['ok', 0, 0],
      });
      expect(auditTable(audit)).toMatch(/NoisyInvestigate\s+investigate\s+2x in 2\/2 runs\s+0%\s+DELETE/);
    } finally {
      h.close();
    }
  });

  it('records a run once', async () => {
    const db = join(tmp(), 'h.db');
    const r = result({
      scenario: 's',
      truth: 'SEV4',
      score: 90,
      page: 3,
      declared: 3,
      mitigated: 3,
      alerts: [],
    });
    const ranAt = new Date(NOW);
    expect((await recordRun({ db, ranAt, result: r, source: '/x' })).inserted).toBe(true);
    expect((await recordRun({ db, ranAt, result: r, source: '/x' })).inserted).toBe(false);
  });

  it('migrates once and records the schema version', () => {
    const db = join(tmp(), 'h.db');
    openHistory(db).close();
    const h = openHistory(db);
    expect(h.prepare<{ v: number }>('SELECT MAX(version) AS v FROM schema_version').get()!.v).toBe(
      SCHEMA_VERSION,
    );
    expect(h.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM schema_version').get()!.n).toBe(
      SCHEMA_VERSION,
    );
    h.close();
  });

  it('gives one-line errors for a missing or corrupt database and bad input', async () => {
    const dir = tmp();
    expect(() => openHistory(join(dir, 'none.db'), { mustExist: true })).toThrow(/no drill history yet/);
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'this is not sqlite, just text that is long enough to have a header'.repeat(20));
    expect(() => openHistory(corrupt)).toThrow(HistoryError);
    expect(() => openHistory(corrupt)).toThrow(/not a streamdrill history database/);

    const run = async (...args: string[]) => {
      const program = new Command().exitOverride();
      registerHistory(program);
      for (const c of program.commands) c.exitOverride();
      return program.parseAsync(['node', 'streamdrill', ...args]);
    };
    await expect(run('history', '--db', join(dir, 'none.db'))).rejects.toThrow(InputError);
    await expect(run('history', '--db', corrupt)).rejects.toThrow(
      /^.*corrupt\.db: not a streamdrill history database/,
    );
    await expect(
      run('history', 'record', join(dir, 'missing-run'), '--db', join(dir, 'h.db')),
    ).rejects.toThrow(/missing-run: no such run directory or file/);
    const bad = join(dir, 'result.json');
    writeFileSync(bad, '{"not": "a result"}');
    await expect(run('history', 'record', bad, '--db', join(dir, 'h.db'))).rejects.toThrow(
      /not a streamdrill result.json/,
    );
    for (const err of [
      await run('history', '--db', corrupt).catch((e: Error) => e),
      await run('history', 'record', bad, '--db', join(dir, 'h.db')).catch((e: Error) => e),
    ])
      expect(String((err as Error).message)).not.toContain('\n');
  });
});
