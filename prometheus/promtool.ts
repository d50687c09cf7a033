/**
 * Runs a team's Prometheus rules against a recorded run with the real `promtool test rules`: writes
 * the test file (input series from the run, expectations from the scenario and from streamdrill's
 * own evaluation), spawns promtool and reports pass/fail with promtool's own message.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import type { JournalEvent } from '../core/journal.ts';
import { buildPromtoolTest, DEFAULT_INTERVAL_MS, promtoolTestYaml } from './export.ts';
import {
  type PromAlertRule,
  predictable,
  readPromRules,
  renderLabelTemplate,
  withoutAnnotations,
} from './rule-file.ts';
import { type RunData, runDataFromJournal } from './run-data.ts';

export const PROMTOOL_INSTALL_HINT =
  'install it with `sudo apt-get install -y prometheus` (Debian/Ubuntu; the package ships promtool) ' +
  'or put promtool from https://prometheus.io/download/ on PATH';

export class PromtoolMissingError extends Error {
  constructor(detail = 'promtool was not found on PATH') {
    super(`${detail}: ${PROMTOOL_INSTALL_HINT}`);
  }
}

/** Finds promtool: an explicit path, $STREAMDRILL_PROMTOOL, or PATH. */
export async function findPromtool(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = explicit ?? env.STREAMDRILL_PROMTOOL;
  if (given) {
    if (await isExecutable(given)) return given;
    throw new PromtoolMissingError(`promtool not found at ${given}`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'promtool');
    if (await isExecutable(p)) return p;
  }
  throw new PromtoolMissingError();
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ExecResult {
  code: number;
  output: string;
}

/** Runs promtool with arguments; output is stdout and stderr together. */
export function execPromtool(promtool: string, args: string[], env = process.env): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(promtool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new PromtoolMissingError(`cannot run ${promtool}`) : err),
    );
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/** `promtool check rules FILE`: null when the file loads, else promtool's message. */
export async function checkPromRules(file: string, promtool?: string): Promise<string | null> {
  const bin = await findPromtool(promtool);
  const r = await execPromtool(bin, ['check', 'rules', file]);
  return r.code === 0 ? null : r.output.trim();
}

export interface PromtoolRunResult {
  scenario: string;
  pass: boolean;
  /** One paragraph: promtool's failures (or SUCCESS), plus notes. */
  message: string;
  /** promtool's whole output. */
  output: string;
  testFile: string;
  /** Alerts the file tests. */
  alerts: string[];
}

export interface PromtoolRunOptions {
  /** The run: its journal events (they carry the scenario's expectations), or run data. */
  events?: readonly JournalEvent[];
  run?: RunData;
  /** The team's Prometheus rule file. */
  prometheusRules: string;
  /** Where the test file (and a rule copy, if needed) is written. */
  workDir: string;
  promtool?: string;
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
}

/**
 * Tests the Prometheus rules against one run. Alerts tested: those the scenario's expectations
 * name (mustFire: firing at its deadline; mustNotFire: absent at every checkpoint); a run without
 * expectations tests every alert streamdrill fired. At every checkpoint the expected set is what
 * streamdrill's own evaluation had firing (adjusted by the expectations).
 */
export async function runPromtoolForRun(o: PromtoolRunOptions): Promise<PromtoolRunResult> {
  const run = o.run ?? runDataFromJournal(o.events ?? []);
  const bin = await findPromtool(o.promtool, o.env);
  const rulesPath = resolve(o.prometheusRules);
  const { text, rules } = await readPromRules(rulesPath);
  const named = run.expect ? [...run.expect.mustFire, ...run.expect.mustNotFire].map((m) => m.alert) : [];
  const tested = [...new Set(named.length ? named : run.alerts.map((a) => a.rule))].sort();
  const notes: string[] = [];
  const missing = tested.filter((a) => !rules.some((r) => r.alert === a));
  if (missing.length) notes.push(`the rule file has no alert named ${missing.join(', ')}`);
  const ruleOf = (name: string): PromAlertRule | undefined => rules.find((r) => r.alert === name);
  const testedRules = tested.map(ruleOf).filter((r): r is PromAlertRule => r !== undefined);
  let ruleFile = rulesPath;
  const keepAnnotations = predictable(testedRules);
  await mkdir(o.workDir, { recursive: true });
  const base = run.scenario.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (!keepAnnotations) {
    ruleFile = resolve(o.workDir, `${base}.rules-without-annotations.yml`);
    await writeFile(ruleFile, withoutAnnotations(text));
    notes.push(`annotations use templates beyond $labels; tested a copy without annotations (${ruleFile})`);
  }
  const file = buildPromtoolTest(run, {
    ruleFiles: [ruleFile],
    rules: tested,
    intervalMs: o.intervalMs ?? DEFAULT_INTERVAL_MS,
    expect: run.expect,
    staticLabels: (name) => {
      const r = ruleOf(name);
      return r
        ? Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, renderLabelTemplate(v, {}) ?? v]))
        : {};
    },
    annotations: (name, labels) => {
      const r = ruleOf(name);
      if (!r || !keepAnnotations) return undefined;
      return Object.fromEntries(
        Object.entries(r.annotations).map(([k, v]) => [k, renderLabelTemplate(v, labels) ?? v]),
      );
    },
  });
  const testFile = resolve(o.workDir, `${base}.promtool-test.yml`);
  await writeFile(
    testFile,
    promtoolTestYaml(
      file,
      `streamdrill: ${run.scenario} replayed against ${rulesPath}\nrun: promtool test rules ${testFile}`,
    ),
  );
  const r = await execPromtool(bin, ['test', 'rules', testFile], o.env);
  const pass = r.code === 0 && missing.length === 0;
  return {
    scenario: run.scenario,
    pass,
    message: [summarizeOutput(r), ...notes].filter(Boolean).join('; '),
    output: r.output,
    testFile,
    alerts: tested,
  };
}

/** promtool's verdict in a few lines: SUCCESS, or each failed check's alert, time, expected and got. */
export function summarizeOutput(r: ExecResult): string {
  if (r.code === 0) return 'SUCCESS';
  const text = r.output;
  const heads = [...text.matchAll(/alertname: (\S+), time: ([^,\s]+),/g)];
  if (heads.length === 0) return text.replace(/\s+/g, ' ').trim() || `promtool exited with ${r.code}`;
  const labelsOf = (s: string) => [...s.matchAll(/Labels:\{([^}]*)\}/g)].map((m) => `{${m[1]}}`);
  const shown = heads.slice(0, 5).map((h, i) => {
    const block = text.slice(h.index, heads[i + 1]?.index ?? text.length);
    const [exp = '', got = ''] = block.split(/\bgot:/);
    const e = labelsOf(exp);
    const g = labelsOf(got);
    const same = e.join() === g.join();
    return `${h[1]} at ${h[2]}: expected ${e.join(' ') || 'none'}, got ${g.join(' ') || 'none'}${same ? ' (annotations differ)' : ''}`;
  });
  if (heads.length > 5) shown.push(`and ${heads.length - 5} more`);
  return `FAILED: ${shown.join('; ')}`;
}
