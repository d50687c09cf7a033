/**
 * `streamdrill test-rules --rules FILE [--scenarios DIR] [--journal FILE...] [--junit FILE]`: does a
 * rule change still page on real incidents and stay quiet on noise? Every scenario runs in virtual
 * time against the rules (and recorded journals are replayed); exit status 1 on any failure.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.ts';
import { JournalFormatError, readJournal } from '../../core/journal.ts';
import { junitXml } from '../../core/junit.ts';
import { InputFileError } from '../../core/yaml-file.ts';
import { listScenarioFiles, loadScenario, resolveScenarioPath, SCENARIO_DIR } from '../../scenarios/load.ts';
import {
  findPromtool,
  PromRuleFileError,
  PromtoolMissingError,
  RunDataError,
  runPromtoolForRun,
} from '../../simulator/prometheus/index.ts';
import { type RuleCase, replayJournal, ruleReport, testRulesOnScenario } from '../../simulator/regression.ts';
import { InputError } from '../errors.ts';
import { loadInputs } from './run.ts';

interface Flags {
  rules: string;
  scenarios: string;
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
    .option('--only <names...>', 'only these scenarios (names or files)')
    .option('--journal <files...>', 'also replay recorded drill journals against the rules')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--runbook <file>', 'runbook file')
    .option(
      '--prometheus <rules.yml>',
      'also check the same expectations with promtool on this Prometheus rule file',
    )
    .action(async (flags: Flags) => {
      const { rules, runbook } = await loadInputs(flags.rules, flags.runbook);
      if (flags.prometheus) {
        try {
          await findPromtool();
        } catch (err) {
          if (err instanceof PromtoolMissingError) throw new InputError(err.message);
          throw err;
        }
      }
      const workDir = await mkdtemp(join(tmpdir(), 'streamdrill-promtool-'));
      const files = flags.only
        ? flags.only.map(resolveScenarioPath)
        : await listScenarioFiles(flags.scenarios);
      const cases: RuleCase[] = [];
      for (const file of files) {
        let loaded: Awaited<ReturnType<typeof loadScenario>>;
        try {
          loaded = await loadScenario(file);
        } catch (err) {
          if (err instanceof InputFileError) throw new InputError(`invalid scenario:\n${err.message}`);
          throw err;
        }
        const { mustFire, mustNotFire } = loaded.scenario.expect.alerts;
        if (mustFire.length + mustNotFire.length === 0) continue; // nothing to check about alerts
        cases.push(await testRulesOnScenario(loaded, rules, flags.rules, runbook));
      }
      for (const file of flags.journal ?? []) {
        let events: Awaited<ReturnType<typeof readJournal>>;
        try {
          events = await readJournal(file);
        } catch (err) {
          if (err instanceof JournalFormatError) throw new InputError(err.message);
          throw err;
        }
        const name = String(events.find((e) => e.type === 'run.started')?.scenario ?? '');
        if (!name)
          throw new InputError(`${file}: not a run journal (no run.started event naming its scenario)`);
        const loaded = await loadScenario(resolveScenarioPath(name)).catch(() => {
          throw new InputError(`${file}: its scenario ${name} is not in the catalogue`);
        });
        try {
          cases.push(replayJournal(events, loaded, rules));
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
