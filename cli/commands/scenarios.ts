/** `streamdrill scenarios list|validate|show`: the scenario catalogue and any scenario file. */
import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.ts';
import { InputFileError } from '../../core/yaml-file.ts';
import { faultModule } from '../../faults/index.ts';
import {
  type LoadedScenario,
  listScenarioFiles,
  loadScenario,
  resolveScenarioPath,
  SCENARIO_DIR,
} from '../../scenarios/load.ts';
import { InputError } from '../errors.ts';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** What each fault type used does, and what the population model does with it (from its module). */
function faultLegend(types: string[]): string[] {
  const used = [...new Set(types)];
  if (used.length === 0) return [];
  return [
    '  faults:',
    ...used.map((t) => {
      const m = faultModule(t)!;
      return `    ${t}: ${m.description}; in the population model: ${m.modelled}`;
    }),
  ];
}

export function describeScenario(l: LoadedScenario): string {
  const s = l.scenario;
  const p = s.population;
  const lines = [
    `${s.title}  (${l.name})`,
    s.description ? `  ${s.description.trim().replace(/\n/g, '\n  ')}` : '',
    `  tags: ${s.tags.join(', ') || '-'}   seed: ${s.seed}   starts ${s.start.at} (${s.start.timeZone})   lasts ${formatDuration(s.duration)}`,
    `  population: ${p.viewers.toLocaleString('en')} viewers, regions ${Object.entries(p.regions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ` +
      `${p.sessions.toLocaleString('en')} model sessions in virtual time, ${p.realViewers} real players in real time`,
    '  timeline:',
    ...s.timeline.map((st) =>
      'fault' in st
        ? `    +${formatDuration(st.at).padEnd(7)} ${st.fault}${st.id ? ` [${st.id}]` : ''} ${JSON.stringify(st.target)} ${JSON.stringify(st.params)}${st.duration !== undefined ? ` for ${formatDuration(st.duration)}` : ''}${st.ramp ? ` ramp ${st.ramp.param} from ${st.ramp.from} over ${formatDuration(st.ramp.over)}` : ''}`
        : `    +${formatDuration(st.at).padEnd(7)} remove ${st.remove}`,
    ),
    ...faultLegend(s.timeline.flatMap((st) => ('fault' in st ? [st.fault] : []))),
    `  expected: severity ${s.expect.severity ?? '-'}; scope ${JSON.stringify(s.expect.scope ?? {})}; mitigations ${s.expect.mitigations.join(', ') || '-'}`,
    ...s.expect.alerts.mustFire.map(
      (a) =>
        `    must fire: ${a.alert} ${JSON.stringify(a.labels)}${a.within !== undefined ? ` within ${formatDuration(a.within)} of impact` : ''}`,
    ),
    ...s.expect.alerts.mustNotFire.map((a) => `    must not fire: ${a.alert} ${JSON.stringify(a.labels)}`),
  ];
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

export function registerScenarios(program: Command): void {
  const cmd = program.command('scenarios').description('List, validate and show scenarios');

  cmd
    .command('list')
    .description('The scenarios in the catalogue (or in --dir)')
    .option('--dir <dir>', 'a directory of scenario files', SCENARIO_DIR)
    .action(async (flags: { dir: string }) => {
      const rows = [['name', 'severity', 'duration', 'title']];
      let bad = 0;
      for (const file of await listScenarioFiles(flags.dir)) {
        try {
          const l = await loadScenario(file);
          rows.push([
            l.name,
            l.scenario.expect.severity ?? '-',
            formatDuration(l.scenario.duration),
            l.scenario.title,
          ]);
        } catch (err) {
          if (!(err instanceof InputFileError)) throw err;
          bad++;
          rows.push([file, 'INVALID', '-', "run 'streamdrill scenarios validate' for details"]);
        }
      }
      process.stdout.write(`${table(rows)}\n`);
      if (bad > 0) process.exitCode = 1;
    });

  cmd
    .command('validate [scenarios...]')
    .description('Check scenario files (names or paths; default: the whole catalogue)')
    .action(async (names: string[]) => {
      const files = names.length > 0 ? names.map(resolveScenarioPath) : await listScenarioFiles();
      let bad = 0;
      for (const file of files) {
        try {
          const l = await loadScenario(file);
          process.stdout.write(`ok       ${file}  (${l.scenario.timeline.length} steps)\n`);
        } catch (err) {
          if (!(err instanceof InputFileError)) throw err;
          bad++;
          process.stdout.write(`invalid  ${file}\n${err.message.replace(/^/gm, '  ')}\n`);
        }
      }
      if (bad > 0) throw new InputError(`${bad} of ${files.length} scenario file(s) invalid`);
    });

  cmd
    .command('show <scenario>')
    .description('Show a scenario: population, timeline, expectations (--json for the validated form)')
    .option('--json', 'print the validated scenario as JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const l = await loadScenarioOrExplain(name);
      process.stdout.write(flags.json ? `${JSON.stringify(l.scenario, null, 2)}\n` : describeScenario(l));
    });
}

/** Loads a scenario by name or path; input errors become one clear CLI error. */
export async function loadScenarioOrExplain(nameOrPath: string): Promise<LoadedScenario> {
  try {
    return await loadScenario(resolveScenarioPath(nameOrPath));
  } catch (err) {
    if (err instanceof InputFileError) throw new InputError(`invalid scenario:\n${err.message}`);
    throw err;
  }
}
