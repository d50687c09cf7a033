/**
 * Loading scenario files: YAML → zod validation → every fault step compiled to the stack's own
 * fault inputs (and validated by their schemas), so a bad step is reported at its line.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SCENARIO_DIR } from '../core/paths.ts';
import {
  InputFileError,
  type InputIssue,
  issuesFromZod,
  type ParsedYaml,
  positionOf,
  readYaml,
} from '../core/yaml-file.ts';
import type { FaultIssue, FaultLocation, FaultTargets } from '../faults/fault.ts';
import {
  type CompiledFault,
  compileStep,
  faultModule,
  HttpFaultSchema,
  locate,
  rampParam,
  stepPath,
  TcpFaultSchema,
} from '../faults/index.ts';
import { httpFaultIssues } from '../faults/registry.ts';
import { linkMatches } from '../faults/tcp/define.ts';
import { linkMatchIssues } from '../faults/tcp.ts';
import { faultTargets } from '../origin-stub/targets.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { loadLadders } from '../simulator/media.ts';
import { PopulationError, resolvePopulation } from '../simulator/population.ts';
import {
  FaultStepSchema,
  type FaultStepSpec,
  RemoveStepSchema,
  type Scenario,
  ScenarioSchema,
} from './schema.ts';

export { type CompiledFault, compileStep, SCENARIO_DIR };

export interface LoadedScenario {
  /** File name without .yaml: how the CLI names it. */
  name: string;
  file: string;
  scenario: Scenario;
  /** Compiled fault per timeline index (undefined for remove steps). */
  faults: (CompiledFault | undefined)[];
}

/** What the scenario's faults can name: its topology (defaults filled in) and the stub's media. */
export function scenarioTargets(scenario: Pick<Scenario, 'topology'>): FaultTargets {
  return faultTargets(resolveTopology(scenario.topology ?? {}));
}

/** Where each step's fault lives (undefined for remove steps): the ground truth escalation is judged by. */
export function stepLocations(loaded: LoadedScenario): (FaultLocation[] | undefined)[] {
  const targets = scenarioTargets(loaded.scenario);
  return loaded.faults.map((c) => (c ? locate(c, targets) : undefined));
}

/** Problems with one compiled step: its fault's schema, then the stack (targets) and its ramp. */
function checkCompiled(
  p: ParsedYaml,
  step: FaultStepSpec,
  c: CompiledFault,
  index: number,
  targets: FaultTargets,
): InputIssue[] {
  const at = ['timeline', index];
  const toStep = (path: readonly PropertyKey[]) => stepPath(path, c.layer);
  const own = (issues: FaultIssue[], map = toStep): InputIssue[] =>
    issues.map((i) => {
      const path = [...at, ...map(i.path)];
      return { file: p.file, ...positionOf(p, path), path: dottedPath(path), message: i.message };
    });
  const ramp = rampIssues(p, step, c, index);
  if (c.layer === 'http') {
    const r = HttpFaultSchema.safeParse(c.input);
    if (!r.success) return [...issuesFromZod(p, r.error, at, toStep), ...ramp];
    return [...own(httpFaultIssues({ ...r.data, id: '', addedAtMs: 0 }, targets)), ...ramp];
  }
  if (c.layer === 'tcp') {
    const r = TcpFaultSchema.safeParse(c.input);
    if (!r.success) return [...issuesFromZod(p, r.error, at, toStep), ...ramp];
    const unknown = own(linkMatchIssues(r.data.match, targets.links));
    const none =
      unknown.length === 0 && !targets.links.some((l) => linkMatches(l, r.data.match))
        ? own([{ path: ['match'], message: 'selects no link (each label exists, but no link has them all)' }])
        : [];
    return [...unknown, ...none, ...ramp];
  }
  const m = faultModule(step.fault);
  if (m?.layer !== 'change') return ramp;
  const target =
    Object.keys(step.target).length > 0
      ? own(
          [
            {
              path: ['target'],
              message: `a ${step.fault} step takes no target (its params say what changes)`,
            },
          ],
          (x) => [...x],
        )
      : [];
  const r = m.schema.safeParse(step.params);
  if (!r.success) return [...target, ...issuesFromZod(p, r.error, at, toStep), ...ramp];
  return [...target, ...own(m.check(step.params, targets)), ...ramp];
}

/**
 * A ramp moves a numeric parameter the fault has, from a value the fault accepts (a share of 1.5
 * would be refused mid-run, after the drill had started).
 */
function rampIssues(p: ParsedYaml, step: FaultStepSpec, c: CompiledFault, index: number): InputIssue[] {
  const ramp = step.ramp;
  if (!ramp) return [];
  const param = rampParam(step.fault, ramp.param);
  if (!param) {
    const numeric = Object.keys(faultModule(step.fault)?.rampable ?? {});
    const path = ['timeline', index, 'ramp', 'param'];
    return [
      {
        file: p.file,
        ...positionOf(p, path),
        path: dottedPath(path),
        message: `${step.fault} has no numeric parameter '${ramp.param}' to ramp (${numeric.length > 0 ? `numeric: ${numeric.join(', ')}` : 'it has none'})`,
      },
    ];
  }
  const { int } = param;
  const from = int ? Math.round(ramp.from) : ramp.from;
  let r: { success: boolean; error?: import('zod').ZodError };
  if (c.layer === 'http') r = HttpFaultSchema.safeParse({ ...c.input, [ramp.param]: from });
  else if (c.layer === 'tcp' && ramp.param === 'toxicity')
    r = TcpFaultSchema.safeParse({ ...c.input, toxicity: from });
  else if (c.layer === 'tcp')
    r = TcpFaultSchema.safeParse({ ...c.input, attributes: { ...c.input.attributes, [ramp.param]: from } });
  else return [];
  if (r.success) return [];
  const path = ['timeline', index, 'ramp', 'from'];
  const why = r.error!.issues.map((i) => i.message).join('; ');
  return [
    {
      file: p.file,
      ...positionOf(p, path),
      path: dottedPath(path),
      message: `${ramp.param} cannot start at ${ramp.from}: ${why}`,
    },
  ];
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
    .join('')
    .replace(/^\./, '');
}

export async function loadScenario(file: string): Promise<LoadedScenario> {
  const parsed = await readYaml(file);
  const r = ScenarioSchema.safeParse(parsed.data);
  if (!r.success) throw new InputFileError(explainSteps(parsed, issuesFromZod(parsed, r.error)));
  const scenario = r.data;
  let targets: FaultTargets;
  try {
    targets = scenarioTargets(scenario);
  } catch (err) {
    throw new InputFileError([
      { file, ...positionOf(parsed, ['topology']), path: 'topology', message: (err as Error).message },
    ]);
  }
  const faults = scenario.timeline.map((s) => ('fault' in s ? compileStep(s) : undefined));
  const issues = faults.flatMap((c, i) =>
    c ? checkCompiled(parsed, scenario.timeline[i] as FaultStepSpec, c, i, targets) : [],
  );
  issues.push(...checkPopulation(parsed, scenario));
  if (issues.length > 0) throw new InputFileError(issues);
  return { name: basename(file).replace(/\.ya?ml$/, ''), file, scenario, faults };
}

/**
 * The population against the scenario's topology and the media's channels (regions, ISPs, device
 * classes, channels, CDNs it names must exist): found at load time, with the file and line, rather
 * than when a run builds its population.
 */
function checkPopulation(p: ParsedYaml, scenario: Scenario): InputIssue[] {
  const { realViewers: _real, ...spec } = scenario.population;
  try {
    resolvePopulation(
      spec,
      resolveTopology(scenario.topology ?? {}),
      loadLadders().map((l) => l.channel),
    );
    return [];
  } catch (err) {
    if (!(err instanceof PopulationError)) throw err;
    return [{ file: p.file, ...positionOf(p, ['population']), path: 'population', message: err.message }];
  }
}

/**
 * A step that matches neither step form gets zod's bare "Invalid input"; check it against the form
 * it was meant to be (a `remove` step or a fault step) to say what is wrong with it.
 */
function explainSteps(p: ParsedYaml, issues: InputIssue[]): InputIssue[] {
  const data = p.data as { timeline?: unknown[] };
  return issues.flatMap((i) => {
    const m = /^timeline\[(\d+)\]$/.exec(i.path);
    const step = m ? data.timeline?.[Number(m[1])] : undefined;
    if (!m || i.message !== 'Invalid input' || typeof step !== 'object' || step === null) return [i];
    const form = 'remove' in step ? RemoveStepSchema : FaultStepSchema;
    const r = form.safeParse(step);
    return r.success ? [i] : issuesFromZod(p, r.error, ['timeline', Number(m[1])]);
  });
}

/** Scenario files in a directory (default: the built-in catalogue). */
export async function listScenarioFiles(dir = SCENARIO_DIR): Promise<string[]> {
  const entries = await readdir(dir);
  return entries
    .filter((e) => /\.ya?ml$/.test(e))
    .sort()
    .map((e) => join(dir, e));
}

/** A scenario given by path, or by name from the catalogue. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (/[/\\]/.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath)) return nameOrPath;
  return join(SCENARIO_DIR, `${nameOrPath}.yaml`);
}
