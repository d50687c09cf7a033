/**
 * The `streamdrill` command line. Each command lives in `cli/commands/` and registers itself here;
 * the commands named in the issues are the contract the docs and tests use.
 */
import { Command, CommanderError } from 'commander';
import { registerAct } from './commands/act.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDrill, registerReplay } from './commands/drill.ts';
import { registerHistory } from './commands/history.ts';
import { registerPlay } from './commands/play.ts';
import { registerReport } from './commands/report.ts';
import { registerRun } from './commands/run.ts';
import { registerScenarios } from './commands/scenarios.ts';
import { registerScore } from './commands/score.ts';
import { registerStack } from './commands/stack.ts';
import { registerTestRules } from './commands/test-rules.ts';
import { registerToxiproxy } from './commands/toxiproxy.ts';
import { InputError, UsageError } from './errors.ts';

/** Commander error codes that mean "you called it wrong": exit status 2. */
const USAGE_CODES = new Set([
  'commander.unknownCommand',
  'commander.unknownOption',
  'commander.invalidArgument',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

export function buildProgram(): Command {
  const program = new Command('streamdrill')
    .description('Chaos drills and incident simulation for video-streaming teams')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true);
  registerToxiproxy(program);
  registerDemo(program);
  registerStack(program);
  registerScenarios(program);
  registerRun(program);
  registerDrill(program);
  registerReplay(program);
  registerAct(program);
  registerScore(program);
  registerTestRules(program);
  registerPlay(program);
  registerHistory(program);
  registerReport(program);
  applyToAll(program, (cmd) => cmd.exitOverride());
  return program;
}

function applyToAll(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyToAll(sub, fn);
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command may set its own exit status (e.g. 130 after Ctrl-C, 1 for failed checks).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they print themselves and succeed.
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return 0;
      }
      return USAGE_CODES.has(err.code) ? 2 : err.exitCode || 1;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`streamdrill: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`streamdrill: ${message}\n`);
    if (process.env.STREAMDRILL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
