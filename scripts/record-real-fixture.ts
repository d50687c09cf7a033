/**
 * Records the real-player journal kept as a regression case (test/fixtures/journals/real-cdn-pop.jsonl):
 * the short CDN-POP scenario (test/fixtures/scenarios/cdn-pop-short.yaml) on the real stub stack
 * with ten real hls.js/Shaka players in headless Chromium, the short-window rules, nobody
 * responding. `test/e2e/replay-real-journal.test.ts` replays it through `streamdrill test-rules
 * --journal` in seconds, no browser.
 *
 *   npx tsx scripts/record-real-fixture.ts [out.jsonl]
 *
 * About two and a half minutes. The journal is written only when the run shows what the fixture
 * stands for (RebufferPage fired for EMEA and resolved, nothing paged for North America);
 * otherwise it says why and exits 1. The collector's 5-second `metrics.sample` lines are left out
 * (replay rebuilds the metrics from the session events); everything else is kept as recorded.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { runReal } from '../drill/run-real.ts';
import { loadRunbook } from '../incident/runbook.ts';
import { loadRules } from '../rules/load.ts';
import { loadScenario } from '../scenarios/load.ts';

const ROOT = join(import.meta.dirname, '..');
const SCENARIO = join(ROOT, 'test/fixtures/scenarios/cdn-pop-short.yaml');
const RULES = join(ROOT, 'test/fixtures/rules/short-windows.yaml');
const out = process.argv[2] ?? join(ROOT, 'test/fixtures/journals/real-cdn-pop.jsonl');

const loaded = await loadScenario(SCENARIO);
const { result, events } = await runReal({
  loaded,
  rules: await loadRules(RULES),
  // Repo-relative, so the journal does not carry this machine's paths.
  rulesFile: relative(ROOT, RULES),
  runbook: await loadRunbook(),
  team: 'none',
  warmupMs: 15_000,
  onStatus: (line) => process.stderr.write(`${line}\n`),
});

const fired = (region: string) =>
  result.alerts.filter((a) => a.action === 'page' && a.labels.region === region && a.firedAt !== undefined);
const emeaPage = result.alerts.find(
  (a) => a.rule === 'RebufferPage' && a.labels.region === 'emea' && a.firedAt !== undefined,
);
const problems = [
  result.endedBy !== 'end' && `the run ended by ${result.endedBy}`,
  !emeaPage && 'RebufferPage never fired for EMEA',
  emeaPage && emeaPage.resolvedAt === undefined && 'RebufferPage for EMEA never resolved',
  fired('na').length > 0 && `North America was paged (${fired('na').map((a) => a.rule)})`,
  ...result.errors,
].filter((p): p is string => typeof p === 'string');
if (problems.length > 0) {
  process.stderr.write(`not recorded: ${problems.join('; ')}\n`);
  process.exit(1);
}
const t0 = events.find((e) => e.type === 'run.started')!.t;
const kept = events.filter((e) => e.type !== 'metrics.sample');
await writeFile(out, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
process.stdout.write(
  `wrote ${relative(process.cwd(), out)}: ${kept.length} events; RebufferPage {region: emea} fired ` +
    `+${Math.round((emeaPage!.firedAt! - t0) / 1000)}s, resolved +${Math.round((emeaPage!.resolvedAt! - t0) / 1000)}s\n`,
);
