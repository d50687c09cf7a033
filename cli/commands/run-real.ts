/** The real-time half of `streamdrill run --real`: stack, players, live status, Ctrl-C handling. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TeamKind } from '../../drill/drill.ts';
import { runReal } from '../../drill/run-real.ts';
import type { Runbook } from '../../incident/runbook.ts';
import type { WebhookTarget } from '../../rules/notify.ts';
import type { RuleFile } from '../../rules/schema.ts';
import type { LoadedScenario } from '../../scenarios/load.ts';
import { STACK_FILE, STATE_DIR } from '../control-client.ts';
import { Interrupt } from '../lifecycle.ts';
import { openRunJournal, recordHistory, summarize, writeOutputs } from '../run-output.ts';

export interface RealFlags {
  seed?: string;
  rules: RuleFile;
  rulesFile?: string;
  runbook: Runbook;
  team: TeamKind;
  out?: string;
  webhook: WebhookTarget[];
  quiet?: boolean;
  players?: number;
  browser?: string;
  history?: boolean;
  historyDb?: string;
}

export async function runRealFromCli(
  loaded: LoadedScenario,
  flags: RealFlags & { rules: RuleFile; rulesFile?: string },
): Promise<void> {
  const out = flags.out ?? join('runs', `${loaded.name}-real`);
  const live = await openRunJournal(out);
  const interrupt = new Interrupt(() => 'interrupted: removing every fault and writing the journal...');
  try {
    const { result, events } = await runReal({
      loaded,
      rules: flags.rules,
      rulesFile: flags.rulesFile ?? 'scenarios/rules/default.yaml',
      runbook: flags.runbook,
      team: flags.team,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.players !== undefined ? { players: flags.players } : {}),
      ...(flags.browser ? { browserPath: flags.browser } : {}),
      webhooks: flags.webhook,
      signal: interrupt.signal,
      sink: live,
      onReady: ({ control, collector }) => {
        mkdirSync(STATE_DIR, { recursive: true });
        writeFileSync(STACK_FILE, `${JSON.stringify({ control, collector, pid: process.pid }, null, 2)}\n`);
        process.stdout.write(
          `real-time run of ${loaded.name}: stack control API ${control}, QoE ${collector}/metrics.json\n`,
        );
      },
      onStatus: (line) => {
        if (!flags.quiet) process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      },
    });
    await live.close();
    await writeOutputs(out, events, result, flags.runbook);
    if (flags.history !== false) await recordHistory(result, events, flags.rules, out, flags.historyDb);
    if (!flags.quiet) process.stdout.write(summarize(result));
    process.stdout.write(
      `wrote ${out}/: journal.jsonl (${events.length} events), result.json, report.html, junit.xml, pir.md\n`,
    );
    interrupt.settle();
  } finally {
    await live.close();
    rmSync(STACK_FILE, { force: true });
    interrupt.dispose();
  }
}
