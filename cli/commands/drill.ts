/**
 * `streamdrill drill <scenario>`: a drill for a real war room — the real stack and real players in
 * real time, and the web console where the team acknowledges, scopes, declares, posts status
 * updates and pulls the mitigations. `streamdrill replay <scenario>` is the training-room twin:
 * the same console over the population model in paced virtual time, with a trainer's controls.
 */
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { RealDashboards } from '../../console/dashboards.ts';
import { hostConsole } from '../../console/host.ts';
import { LiveSession } from '../../console/live-session.ts';
import { prepareReplay } from '../../console/replay.ts';
import { RealClock } from '../../core/clock.ts';
import type { JournalEvent } from '../../core/journal.ts';
import type { TeamKind } from '../../drill/drill.ts';
import type { RunResult } from '../../drill/result.ts';
import type { VirtualRunOptions } from '../../drill/run-virtual.ts';
import { resolveTopology } from '../../origin-stub/topology.ts';
import { DEFAULT_RULES } from '../../rules/load.ts';
import type { LoadedScenario } from '../../scenarios/load.ts';
import { Interrupt, waitForShutdownSignal } from '../lifecycle.ts';
import { parseHost, parsePort } from '../options.ts';
import {
  loadInputs,
  openRunJournal,
  parsePlayers,
  recordHistory,
  summarize,
  writeOutputs,
} from '../run-output.ts';
import { loadScenarioOrExplain } from './scenarios.ts';

interface ConsoleFlags {
  rules: string;
  runbook?: string;
  seed?: string;
  team: TeamKind;
  out?: string;
  host?: string;
  port?: number;
  token?: string;
  exitWhenDone?: boolean;
  history: boolean;
  historyDb?: string;
  quiet?: boolean;
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1000)
    throw new InvalidArgumentError(
      `expected a speed from 0.1 to 1000 (1 = real time), got ${JSON.stringify(value)}`,
    );
  return n;
}

function consoleOptions(cmd: Command): Command {
  return cmd
    .option('--rules <file>', 'alert rules file', DEFAULT_RULES)
    .option('--runbook <file>', 'runbook file (default: scenarios/runbook/default.yaml)')
    .option('--seed <seed>', 'override the scenario seed')
    .addOption(
      new Option('--team <team>', 'who else responds beside the people at the console')
        .choices(['none', 'bot', 'script'])
        .default('none'),
    )
    .option('--out <dir>', 'where to write the journal, result and report')
    .option('--host <address>', 'console address (default 127.0.0.1; any other needs the token)', parseHost)
    .option('--port <port>', 'console port (default: any free port)', parsePort)
    .option('--token <token>', 'shared token for the console (generated when exposed beyond loopback)')
    .option('--exit-when-done', 'exit when the drill ends instead of keeping the console up for the debrief')
    .option('--history-db <file>', 'drill history database (default: .streamdrill/history.db)')
    .option('--no-history', 'do not record the drill in the history')
    .option('--quiet', 'less output');
}

/** The run options drill and replay give their runner alike (real and virtual runs take them). */
type ConsoleRunInputs = Pick<
  VirtualRunOptions,
  'loaded' | 'rules' | 'rulesFile' | 'runbook' | 'team' | 'seed' | 'sink' | 'signal'
>;

/**
 * What drill and replay share: serve the console, run the drill with Ctrl-C handled (every fault
 * removed, the journal written), then the outputs, the history, the summary, the scorecard in the
 * console, and the console kept up for the debrief.
 */
async function runWithConsole(
  loaded: LoadedScenario,
  session: LiveSession,
  flags: ConsoleFlags,
  inputs: Awaited<ReturnType<typeof loadInputs>>,
  out: string,
  intro: string[],
  run: (common: ConsoleRunInputs) => Promise<{ result: RunResult; events: JournalEvent[] }>,
): Promise<void> {
  const live = await openRunJournal(out);
  const server = await hostConsole(session, {
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.token ? { token: flags.token } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`console: ${server.openUrl}\n`);
  for (const line of intro) process.stdout.write(`${line}\n`);
  const interrupt = new Interrupt(() => 'interrupted: removing every fault and writing the journal...');
  try {
    const { result, events } = await run({
      loaded,
      rules: inputs.rules,
      rulesFile: flags.rules,
      runbook: inputs.runbook,
      team: flags.team,
      // The console sees every event; the journal file gets each as it happens.
      sink: { write: (e) => (session.write(e), live.write(e)) },
      signal: interrupt.signal,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    });
    interrupt.dispose();
    await live.close();
    await writeOutputs(out, events, result, inputs.runbook);
    session.finish({ reportPath: join(out, 'report.html') });
    if (flags.history) await recordHistory(result, events, inputs.rules, out, flags.historyDb);
    if (!flags.quiet) process.stdout.write(summarize(result));
    process.stdout.write(
      `wrote ${out}/: journal.jsonl (${events.length} events), result.json, report.html, junit.xml, pir.md\n`,
    );
    if (!flags.exitWhenDone && !interrupt.signal.aborted) {
      process.stdout.write(
        `the console stays up for the debrief (scorecard and report): ${server.openUrl} - Ctrl-C to leave\n`,
      );
      await waitForShutdownSignal({ interrupted: false });
    }
    interrupt.settle();
  } finally {
    interrupt.dispose();
    await live.close();
    await server.close();
  }
}

export function registerDrill(program: Command): void {
  consoleOptions(
    program
      .command('drill <scenario>')
      .description(
        'Run a drill in real time with the war-room console: real stack, real players, your team acting',
      ),
  )
    .option('--players <n>', "number of real players (default: the scenario's realViewers)", parsePlayers)
    .option('--browser <path>', 'Chromium to use (default: STREAMDRILL_BROWSER or /usr/bin/chromium)')
    .action(async (name: string, flags: ConsoleFlags & { players?: number; browser?: string }) => {
      const loaded = await loadScenarioOrExplain(name);
      const inputs = await loadInputs(flags.rules, flags.runbook, [loaded]);
      const topology = resolveTopology(loaded.scenario.topology ?? {});
      const clock = new RealClock();
      const session = new LiveSession({
        loaded,
        rules: inputs.rules,
        runbook: inputs.runbook,
        mode: 'real',
        clock,
        regions: Object.keys(topology.regions),
        cdns: topology.cdns,
      });
      const { runReal } = await import('../../drill/run-real.ts');
      await runWithConsole(
        loaded,
        session,
        flags,
        inputs,
        flags.out ?? join('runs', `${loaded.name}-drill`),
        [],
        (common) =>
          runReal({
            ...common,
            ...(flags.players !== undefined ? { players: flags.players } : {}),
            ...(flags.browser ? { browserPath: flags.browser } : {}),
            onReady: ({ stack, drill, engine, startMs }) => {
              session.attach({
                desk: drill.desk,
                record: (e) => drill.record(e),
                engine,
                dashboards: new RealDashboards(stack, engine),
                startMs,
              });
              process.stdout.write(
                `players are up; the drill starts at ${new Date(startMs).toISOString().slice(11, 19)}\n`,
              );
            },
            onStatus: (line) => {
              if (!flags.quiet) process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
            },
          }),
      );
    });
}

export function registerReplay(program: Command): void {
  consoleOptions(
    program
      .command('replay <scenario>')
      .description(
        'Trainer mode: play a scenario (the worked example by default) for a training room in paced virtual time with the console',
      ),
  )
    .option(
      '--speed <x>',
      'drill seconds per wall second (1 = real time); the trainer can change it live',
      parseSpeed,
      1,
    )
    .option('--paused', 'start paused (the trainer presses resume)')
    .action(async (name: string, flags: ConsoleFlags & { speed: number; paused?: boolean }) => {
      const loaded = await loadScenarioOrExplain(name);
      const inputs = await loadInputs(flags.rules, flags.runbook, [loaded]);
      const replay = prepareReplay({
        loaded,
        rules: inputs.rules,
        runbook: inputs.runbook,
        speed: flags.speed,
        paused: flags.paused === true,
      });
      const intro = [
        `trainer replay of ${loaded.name} at ${flags.speed}x${flags.paused ? ' (paused: press resume in the console)' : ''}`,
      ];
      await runWithConsole(
        loaded,
        replay.session,
        flags,
        inputs,
        flags.out ?? join('runs', `${loaded.name}-replay`),
        intro,
        (common) => replay.run(common),
      );
    });
}
