/**
 * The refactoring guard: every catalogue scenario, run in virtual time with its team (the script
 * where the scenario has one, else the runbook bot), with and without session events, journals
 * exactly what it journaled when the hashes were recorded. A change that moves a journal on purpose
 * (a recalibration, a fixed defect) records new hashes with `UPDATE_JOURNAL_HASHES=1` and says
 * which in its commit.
 *
 * Every event is also checked against the journal's event schemas (core/journal-events.ts): what
 * the writers really write is what readers accept.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_EVENTS, type JournalEvent } from '../../core/journal-events.ts';
import { zodIssuesLine } from '../../core/zod-message.ts';
import { runVirtual } from '../../drill/run-virtual.ts';
import { loadRunbook } from '../../incident/runbook.ts';
import { DEFAULT_RULES, loadRules } from '../../rules/load.ts';
import { listScenarioFiles, loadScenario } from '../../scenarios/load.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'journal-hashes.json');
const update = process.env.UPDATE_JOURNAL_HASHES === '1';
const recorded: Record<string, string> = update ? {} : JSON.parse(readFileSync(FIXTURE, 'utf8'));
const files = await listScenarioFiles();

/** The first event that does not fit its schema, as `index type: issues`. */
function misfit(events: readonly JournalEvent[]): string | undefined {
  for (const [i, e] of events.entries()) {
    // zod refuses NaN and infinities, which JSON would have turned into null.
    const r = JOURNAL_EVENTS[e.type].safeParse(e);
    if (!r.success) return `event ${i} ${e.type}: ${zodIssuesLine(r.error)}`;
  }
  return undefined;
}

async function journalHash(file: string, journalSessions: boolean): Promise<string> {
  const loaded = await loadScenario(file);
  const { events } = await runVirtual({
    loaded,
    rules: await loadRules(),
    rulesFile: DEFAULT_RULES,
    runbook: await loadRunbook(),
    team: loaded.scenario.team?.kind === 'script' ? 'script' : 'bot',
    journalSessions,
  });
  expect(misfit(events), `${file}: an event that does not fit the journal schema`).toBeUndefined();
  const h = createHash('sha256');
  for (const e of events) h.update(`${JSON.stringify(e)}\n`);
  return h.digest('hex');
}

describe('catalogue journals are unchanged', () => {
  const found: Record<string, string> = {};
  for (const file of files) {
    const name = file.split('/').pop()!.replace('.yaml', '');
    for (const sessions of [false, true]) {
      const key = `${name}${sessions ? '+sessions' : ''}`;
      it(key, async () => {
        found[key] = await journalHash(file, sessions);
        if (update) {
          recorded[key] = found[key]!;
          writeFileSync(FIXTURE, `${JSON.stringify(recorded, Object.keys(recorded).sort(), 2)}\n`);
        } else expect(found[key], `${key}: journal changed`).toBe(recorded[key]);
      }, 120_000);
    }
  }
});
