/**
 * `streamdrill test-rules --rules FILE [--scenarios DIR | --no-scenarios] [--journal FILE...] [--junit FILE]`:
 * does a rule change still page on real incidents and stay quiet on noise? Every scenario runs in
 * virtual time against the rules (and recorded journals are replayed); exit status 1 on any failure.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.ts';
import { JournalFormatError, readJournal } from '../../core/journal.ts';
import { junitXml } from '../../core/junit.ts';
import { InputFileError } from '../../core/yaml-file.ts';
import {
  type ReplayScenario,
  type RuleCase,
  replayJournal,
  ruleReport,
  scenarioFromJournal,
  testRulesOnScenario,
} from '../../drill/regression.ts';
import {
  findPromtool,
  PromRuleFileError,
  PromtoolMissingError,
  RunDataError,
  runPromtoolForRun,
} from '../../prometheus/index.ts';
import {
  type LoadedScenario,
  listScenarioFiles,
  loadScenario,
  resolveScenarioPath,
  SCENARIO_DIR,
} from '../../scenarios/load.ts';
import { InputError, UsageError } from '../errors.ts';
import { loadInputs } from '../run-output.ts';

interface Flags {
  rules: string;
  /** false with --no-scenarios */
  scenarios: string | false;
  only?: string[];
  journal?: string[];
  junit?: string;
  runbook?: string;
  prometheus?: string;
}

export function registerTestRules(program: Command): void {
  program
    .command('test-rules')
    .description('Run every scenario in virtual time against alert rules and check what must (not) fire')
    .requiredOption('--rules <file>', 'the alert rules file to test')
    .option('--scenarios <dir>', 'directory of scenarios', SCENARIO_DIR)
    .option('--no-scenarios', 'run no scenario in virtual time: only replay the --journal files')
    .option('--only <names...>', 'only these scenarios (names or files)')
    .option(
      '--journal <files...>',
      'also replay recorded drill journals against the rules (expectations from the scenario in --scenarios, else as the journal recorded them)',
    )
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--runbook <file>', 'runbook file')
    .option(
      '--prometheus <rules.yml>',
      'also check the same expectations with promtool on this Prometheus rule file',
    )
    .action(async (flags: Flags) => {
      if (flags.scenarios === false && !flags.journal?.length)
        throw new UsageError('--no-scenarios leaves nothing to test without --journal');
      // --no-scenarios: only the recorded journals are replayed.
      const files =
        flags.scenarios === false
          ? []
          : flags.only
            ? flags.only.map(resolveScenarioPath)
            : await listScenarioFiles(flags.scenarios);
      const scenarios: LoadedScenario[] = [];
      for (const file of files) {
        try {
          scenarios.push(await loadScenario(file));
        } catch (err) {
          if (err instanceof InputFileError) throw new InputError(`invalid scenario:\n${err.message}`);
          throw err;
        }
      }
      const { rules, runbook } = await loadInputs(flags.rules, flags.runbook, scenarios);
      if (flags.prometheus) {
        try {
          await findPromtool();
        } catch (err) {
          if (err instanceof PromtoolMissingError) throw new InputError(err.message);
          throw err;
        }
      }
      const workDir = await mkdtemp(join(tmpdir(), 'streamdrill-promtool-'));
      const cases: RuleCase[] = [];
      for (const loaded of scenarios) {
        const { mustFire, mustNotFire } = loaded.scenario.expect.alerts;
        if (mustFire.length + mustNotFire.length === 0) continue; // nothing to check about alerts
        cases.push(await testRulesOnScenario(loaded, rules, flags.rules, runbook));
      }
      for (const file of flags.journal ?? []) {
        let read: Awaited<ReturnType<typeof readJournal>>;
        try {
          read = await readJournal(file);
        } catch (err) {
          if (err instanceof JournalFormatError) throw new InputError(err.message);
          throw err;
        }
        const { events, warnings } = read;
        for (const w of warnings) process.stderr.write(`streamdrill: warning: ${w}\n`);
        let target: ReplayScenario;
        try {
          target = scenarioFromJournal(events);
        } catch (err) {
          throw new InputError(`${file}: ${(err as Error).message}`);
        }
        // The scenario's file when it is in the scenarios directory (its expectations as they are
        // now); else the expectations the journal recorded when the drill ran (a real drill of a
        // scenario kept outside the catalogue still replays).
        const scenarioFile = join(flags.scenarios || SCENARIO_DIR, `${target.name}.yaml`);
        if (existsSync(scenarioFile)) {
          try {
            target = await loadScenario(scenarioFile);
          } catch (err) {
            if (err instanceof InputFileError) throw new InputError(`invalid scenario:\n${err.message}`);
            throw err;
          }
        }
        try {
          cases.push(replayJournal(events, target, rules));
        } catch (err) {
          throw new InputError(`${file}: ${(err as Error).message}`);
        }
      }
      if (flags.prometheus) {
        for (const c of cases) {
          try {
            const r = await runPromtoolForRun({
              events: c.events ?? [],
              prometheusRules: flags.prometheus,
              workDir,
            });
            c.promtool = { pass: r.pass, message: r.message, testFile: r.testFile };
          } catch (err) {
            if (
              err instanceof PromRuleFileError ||
              err instanceof RunDataError ||
              err instanceof PromtoolMissingError
            ) {
              throw new InputError(err.message);
            }
            throw err;
          }
        }
      }
      process.stdout.write(ruleReport(cases));
      if (flags.junit) {
        await writeFile(
          flags.junit,
          junitXml([
            {
              name: `alert rules ${flags.rules}`,
              timeSeconds: cases.reduce((n, c) => n + c.wallMs, 0) / 1000,
              cases: cases.flatMap((c) => [
                ...c.expectations.map((e) => ({
                  name: `${c.scenario}: ${e.description}`,
                  classname: `test-rules.${c.scenario}`,
                  timeSeconds: c.wallMs / 1000 / Math.max(1, c.expectations.length),
                  ...(e.pass
                    ? {}
                    : {
                        failure: {
                          message: e.why,
                          detail: `${e.why}\nfired: ${c.fired.map((f) => `+${formatDuration(f.firedAfterMs)} ${f.rule} ${JSON.stringify(f.labels)}`).join('; ') || 'nothing'}`,
                        },
                      }),
                })),
                ...(c.promtool
                  ? [
                      {
                        name: `${c.scenario} (promtool)`,
                        classname: `test-rules.${c.scenario}`,
                        ...(c.promtool.pass ? {} : { failure: { message: c.promtool.message } }),
                      },
                    ]
                  : []),
              ]),
            },
          ]),
        );
      }
      if (cases.some((c) => !c.pass || c.promtool?.pass === false)) process.exitCode = 1;
    });
}
