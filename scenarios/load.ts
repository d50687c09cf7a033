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
import { TCP_FAULT_TYPES, type TcpFaultInput, TcpFaultSchema } from '../faults/tcp.ts';
import { type HttpFaultInput, HttpFaultSchema } from '../faults/types.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { loadLadders } from '../simulator/media.ts';
import { PopulationError, resolvePopulation } from '../simulator/population.ts';
import {
  FaultStepSchema,
  type FaultStepSpec,
  HTTP_FAULT_TYPES,
  RemoveStepSchema,
  type Scenario,
  ScenarioSchema,
} from './schema.ts';

export { SCENARIO_DIR };

export type CompiledFault =
  | { layer: 'http'; input: HttpFaultInput }
  | { layer: 'tcp'; input: TcpFaultInput }
  | { layer: 'deploy'; component: string; version: string }
  | { layer: 'flag'; flag: string; enabled: boolean; brokenFor?: string[] };

export interface LoadedScenario {
  /** File name without .yaml: how the CLI names it. */
  name: string;
  file: string;
  scenario: Scenario;
  /** Compiled fault per timeline index (undefined for remove steps). */
  faults: (CompiledFault | undefined)[];
}

/** Turns a scenario fault step into what the stack (real or virtual) takes. */
export function compileStep(step: FaultStepSpec): CompiledFault {
  const { fault, target, params } = step;
  if ((HTTP_FAULT_TYPES as readonly string[]).includes(fault)) {
    return { layer: 'http', input: { type: fault, match: target, ...params } as HttpFaultInput };
  }
  if ((TCP_FAULT_TYPES as readonly string[]).includes(fault)) {
    const { stream, toxicity, ...attributes } = params;
    const input: Record<string, unknown> = { type: fault, match: target, attributes };
    if (stream !== undefined) input.stream = stream;
    if (toxicity !== undefined) input.toxicity = toxicity;
    return { layer: 'tcp', input: input as TcpFaultInput };
  }
  if (fault === 'deploy') {
    return {
      layer: 'deploy',
      component: String(params.component ?? ''),
      version: String(params.version ?? ''),
    };
  }
  const brokenFor = params.brokenFor;
  return {
    layer: 'flag',
    flag: String(params.flag ?? ''),
    enabled: params.enabled !== false,
    ...(Array.isArray(brokenFor) ? { brokenFor } : {}),
  };
}

/** A fault input's path (match, attributes, status...) as it is written in a step (target, params). */
function stepPath(path: readonly PropertyKey[]): PropertyKey[] {
  const [head, ...rest] = path;
  if (head === 'match') return ['target', ...rest];
  if (head === 'attributes') return ['params', ...rest];
  if (head === 'type') return ['fault'];
  return ['params', ...path];
}

function checkCompiled(p: ParsedYaml, c: CompiledFault, index: number): InputIssue[] {
  const at = ['timeline', index];
  if (c.layer === 'http') {
    const r = HttpFaultSchema.safeParse(c.input);
    return r.success ? [] : issuesFromZod(p, r.error, at, stepPath);
  }
  if (c.layer === 'tcp') {
    const r = TcpFaultSchema.safeParse(c.input);
    return r.success ? [] : issuesFromZod(p, r.error, at, stepPath);
  }
  const issue = (path: string, message: string): InputIssue[] => [
    { file: p.file, line: 0, column: 0, path: `timeline[${index}].${path}`, message },
  ];
  if (c.layer === 'deploy' && (!c.component || !c.version))
    return issue('params', 'a deploy needs params.component and params.version');
  if (c.layer === 'flag' && !c.flag) return issue('params', 'a flag change needs params.flag');
  return [];
}

export async function loadScenario(file: string): Promise<LoadedScenario> {
  const parsed = await readYaml(file);
  const r = ScenarioSchema.safeParse(parsed.data);
  if (!r.success) throw new InputFileError(explainSteps(parsed, issuesFromZod(parsed, r.error)));
  const scenario = r.data;
  const faults = scenario.timeline.map((s) => ('fault' in s ? compileStep(s) : undefined));
  const issues = faults.flatMap((c, i) => (c ? checkCompiled(parsed, c, i) : []));
  // Positions for issues raised after zod (deploy/flag params): point at the step.
  for (const i of issues) {
    if (i.line === 0) {
      const idx = Number(/timeline\[(\d+)\]/.exec(i.path)?.[1] ?? 0);
      const node = parsed.doc.getIn(['timeline', idx], true) as { range?: [number] } | undefined;
      const pos = parsed.lines.linePos(node?.range?.[0] ?? 0);
      i.line = pos.line;
      i.column = pos.col;
    }
  }
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
