/**
 * The done-when: a CDN-POP scenario runs both ways — in real time on real hls.js and Shaka
 * players (headless Chromium, the real stub stack) and in virtual time on model players — and both
 * runs show the EMEA rebuffering rise, the page alert firing and the recovery after the fault is
 * removed, read from the run's journal (impact.sample and alert events) alone.
 *
 * The scenario (test/fixtures/scenarios/cdn-pop-short.yaml): all of EMEA on cdn-a Frankfurt, whose
 * segments answer 503 for 50 s; North America on other POPs. Rules: the defaults with shorter
 * `for`/windows (test/fixtures/rules/short-windows.yaml), so that a two-minute run can page.
 * Real run: ten players (EMEA 8, NA 2), ~2.5 min of wall time with the warm-up.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../core/journal.ts';
import { eventsOf, isAlertEvent } from '../../core/journal-events.ts';
import type { RunResult } from '../../drill/result.ts';
import { runReal } from '../../drill/run-real.ts';
import { runVirtual } from '../../drill/run-virtual.ts';
import { loadRunbook } from '../../incident/runbook.ts';
import { loadRules } from '../../rules/load.ts';
import { loadScenario } from '../../scenarios/load.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SCENARIO = join(FIXTURES, 'scenarios', 'cdn-pop-short.yaml');
const RULES = join(FIXTURES, 'rules', 'short-windows.yaml');

/** RebufferPage's threshold in the rule file: the line the EMEA share must cross. */
const PAGE_THRESHOLD = 0.05;
/**
 * North America must stay "low": no POP of its own is touched. The model's background impairment
 * keeps it near 0.5 %; the real players, two viewers, show 0 % (one stalled viewer would be 50 %).
 */
const NA_CEILING = 0.02;
/**
 * After the fault is removed, players need a retry and a segment to resume: Shaka's next retry
 * lands within ~5 s, the model's within its backoff. From then on EMEA must stay under the threshold.
 */
const RECOVERY_MS = 10_000;

interface Sample {
  t: number;
  emea: number;
  na: number;
}

/** The EMEA and NA rebuffering shares at every impact sample of the journal. */
function regionShares(events: JournalEvent[]): Sample[] {
  return eventsOf(events, 'impact.sample').map((e) => {
    const region = e.slices.region ?? {};
    return { t: e.t, emea: region.emea?.rebufferingShare ?? 0, na: region.na?.rebufferingShare ?? 0 };
  });
}

/** Everything the done-when asks for, checked on one run's journal; `mode` names the run in messages. */
function checkStory(mode: string, result: RunResult, events: JournalEvent[]): void {
  expect(result.endedBy, `${mode}: run ended by`).toBe('end');
  expect(result.errors, `${mode}: run errors`).toEqual([]);
  const fault = result.faults.find((f) => f.step === 'fra-503');
  expect(fault?.reason, `${mode}: the fault was removed by its duration`).toBe('duration');
  const applied = fault!.appliedAt;
  const removed = fault!.removedAt!;
  const shares = regionShares(events);
  const fmt = (xs: Sample[]) =>
    xs.map((s) => `+${Math.round((s.t - applied) / 1000)}s ${(s.emea * 100).toFixed(1)}%`).join(', ');

  // Before the fault EMEA is quiet; during it, its rebuffering share rises above the page threshold.
  const before = shares.filter((s) => s.t <= applied);
  const during = shares.filter((s) => s.t > applied && s.t <= removed);
  const after = shares.filter((s) => s.t >= removed + RECOVERY_MS);
  expect(before.length, `${mode}: samples before the fault`).toBeGreaterThan(0);
  expect(after.length, `${mode}: samples after the recovery time`).toBeGreaterThan(0);
  expect(Math.max(...before.map((s) => s.emea)), `${mode}: EMEA before the fault`).toBeLessThan(
    PAGE_THRESHOLD,
  );
  const aboveDuring = during.filter((s) => s.emea > PAGE_THRESHOLD);
  // Above the threshold for at least the rule's `for` (30 s) of the 50 s fault: the page can fire.
  expect(aboveDuring.length, `${mode}: EMEA during the fault: ${fmt(during)}`).toBeGreaterThanOrEqual(7);
  // North America stays low throughout.
  expect(Math.max(...shares.map((s) => s.na)), `${mode}: NA rebuffering share`).toBeLessThan(NA_CEILING);

  // The page fires for EMEA during the fault, and nothing pages for North America.
  const transitions = events.filter(isAlertEvent);
  const emeaPage = eventsOf(transitions, 'alert.firing').find(
    (e) => e.rule === 'RebufferPage' && e.labels.region === 'emea',
  );
  expect(emeaPage, `${mode}: RebufferPage {region: emea} fired`).toBeDefined();
  expect(emeaPage!.t).toBeGreaterThan(applied);
  expect(emeaPage!.t).toBeLessThanOrEqual(removed);
  const naPages = eventsOf(transitions, 'alert.firing').filter(
    (e) => e.action === 'page' && e.labels.region === 'na',
  );
  expect(
    naPages.map((e) => e.rule),
    `${mode}: pages for NA`,
  ).toEqual([]);
  expect(events.some((e) => e.type === 'page.sent')).toBe(true);

  // After the removal EMEA recovers: the page resolves and the share stays under the threshold.
  const resolved = eventsOf(transitions, 'alert.resolved').find(
    (e) => e.rule === 'RebufferPage' && e.labels.region === 'emea' && e.t > emeaPage!.t,
  );
  expect(resolved, `${mode}: RebufferPage {region: emea} resolved`).toBeDefined();
  expect(resolved!.t, `${mode}: resolved after the removal`).toBeGreaterThan(removed);
  expect(resolved!.t).toBeLessThanOrEqual(removed + RECOVERY_MS + 5000);
  expect(Math.max(...after.map((s) => s.emea)), `${mode}: EMEA after recovery: ${fmt(after)}`).toBeLessThan(
    PAGE_THRESHOLD,
  );
}

describe('a CDN-POP scenario both ways', () => {
  it('in virtual time, model players show the EMEA rise, the page and the recovery', async () => {
    const loaded = await loadScenario(SCENARIO);
    const { result, events } = await runVirtual({
      loaded,
      rules: await loadRules(RULES),
      rulesFile: RULES,
      runbook: await loadRunbook(),
      team: 'none',
    });
    checkStory('virtual', result, events);
  }, 60_000);

  it('in real time, real hls.js and Shaka players show the same', async () => {
    const loaded = await loadScenario(SCENARIO);
    const { result, events } = await runReal({
      loaded,
      rules: await loadRules(RULES),
      rulesFile: RULES,
      runbook: await loadRunbook(),
      team: 'none',
      // Ten players join within 2.5 s; 15 s more gives every one a steady live buffer.
      warmupMs: 15_000,
    });
    checkStory('real', result, events);
  }, 240_000);
});
