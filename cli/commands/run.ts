/**
 * `streamdrill run <scenario>`: a scenario in virtual time (the population model, in seconds) or
 * in real time (the real stack and real players). Writes DIR/journal.jsonl and DIR/result.json and
 * prints what fired when, the expectations, and the scorecard.
 */
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatDuration } from '../../core/duration.ts';
import { runVirtual } from '../../drill/run-virtual.ts';
import { DEFAULT_RULES } from '../../rules/load.ts';
import { parseWebhook, type WebhookTarget } from '../../rules/notify.ts';
import { InputError } from '../errors.ts';
import { Interrupt } from '../lifecycle.ts';
import {
  loadInputs,
  openRunJournal,
  parsePlayers,
  recordHistory,
  summarize,
  writeOutputs,
} from '../run-output.ts';
import { loadScenarioOrExplain } from './scenarios.ts';

interface RunFlags {
  virtual?: boolean;
  real?: boolean;
  seed?: string;
  rules: string;
  players?: number;
  browser?: string;
  runbook?: string;
  out?: string;
  team?: 'script' | 'bot' | 'none';
  webhook: WebhookTarget[];
  journalSessions?: boolean;
  quiet?: boolean;
  history: boolean;
  historyDb?: string;
}

function parseWebhookFlag(value: string, previous: WebhookTarget[] = []): WebhookTarget[] {
  const t = parseWebhook(value);
  if (!t)
    throw new InvalidArgumentError(
      `expected alertmanager:URL or pagerduty:URL[#routingKey], got ${JSON.stringify(value)}`,
    );
  return [...previous, t];
}

export function registerRun(program: Command): void {
  program
    .command('run <scenario>')
    .description('Run a scenario (name from the catalogue, or a file) in virtual time (default) or real time')
    .addOption(
      new Option('--virtual', 'virtual time: the population model, seconds for a whole incident').conflicts(
        'real',
      ),
    )
    .addOption(
      new Option('--real', 'real time: the real stack and real players in Chromium').conflicts('virtual'),
    )
    .option('--seed <seed>', 'override the scenario seed')
    .option('--rules <file>', 'alert rules file', DEFAULT_RULES)
    .option('--runbook <file>', 'runbook file (default: scenarios/runbook/default.yaml)')
    .option('--out <dir>', 'where to write journal.jsonl and result.json (default: runs/<scenario>-<mode>)')
    .addOption(
      new Option('--team <team>', 'who responds: the scenario script, the runbook bot, or nobody').choices([
        'script',
        'bot',
        'none',
      ]),
    )
    .option(
      '--webhook <target>',
      'deliver alerts: alertmanager:URL or pagerduty:URL[#routingKey] (repeatable)',
      parseWebhookFlag,
      [],
    )
    .option('--journal-sessions', 'virtual runs: journal every model session event too (large)')
    .option(
      '--players <n>',
      "real runs: number of real players (default: the scenario's realViewers)",
      parsePlayers,
    )
    .option(
      '--browser <path>',
      'real runs: Chromium to use (default: STREAMDRILL_BROWSER or /usr/bin/chromium)',
    )
    .option('--quiet', 'no progress output')
    .option('--history-db <file>', 'drill history database (default: .streamdrill/history.db)')
    .option('--no-history', 'do not record the run in the drill history')
    .action(async (name: string, flags: RunFlags) => {
      const loaded = await loadScenarioOrExplain(name);
      const { rules, runbook } = await loadInputs(flags.rules, flags.runbook, [loaded]);
      const team = flags.team ?? loaded.scenario.team?.kind ?? 'none';
      if (team === 'script' && loaded.scenario.team?.kind !== 'script') {
        throw new InputError(`scenario ${loaded.name} has no team script; use --team bot or --team none`);
      }
      if (flags.real) {
        const { runRealFromCli } = await import('./run-real.ts');
        await runRealFromCli(loaded, { ...flags, team, rules, rulesFile: flags.rules, runbook });
        return;
      }
      const out = flags.out ?? join('runs', `${loaded.name}-virtual`);
      // Fails now on an unwritable --out; the journal itself is written whole at the end (seconds).
      await (await openRunJournal(out)).close();
      const interrupt = new Interrupt(() => 'interrupted: removing every fault and writing the journal...');
      const tty = process.stderr.isTTY && !flags.quiet;
      try {
        const { result, events } = await runVirtual({
          loaded,
          rules,
          rulesFile: flags.rules,
          runbook,
          team,
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          webhooks: flags.webhook,
          journalSessions: flags.journalSessions ?? false,
          signal: interrupt.signal,
          onProgress: ({ fraction, simulatedMs }) => {
            if (!tty) return;
            const width = 30;
            const done = Math.round(fraction * width);
            process.stderr.write(
              `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${formatDuration(simulatedMs)} of ${formatDuration(loaded.scenario.duration)}`,
            );
          },
        });
        if (tty) process.stderr.write('\r\x1b[K');
        await writeOutputs(out, events, result, runbook);
        if (flags.history) await recordHistory(result, events, rules, out, flags.historyDb);
        if (!flags.quiet) process.stdout.write(summarize(result));
        process.stdout.write(
          `wrote ${out}/: journal.jsonl (${events.length} events), result.json, report.html, junit.xml, pir.md\n`,
        );
        interrupt.settle();
      } finally {
        interrupt.dispose();
      }
    });
}
