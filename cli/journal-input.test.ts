/**
 * The commands that read a journal — `score`, `report`, `test-rules --journal` — as a user runs
 * them: a journal that was edited, shuffled or written by something else is refused with the
 * reader's one line (exit 1, no stack trace); one whose last line a crash tore is read with a
 * warning, never refused whole.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../test/support/cli-process.ts';
import { sampleJournal, toJsonl } from '../test/support/report-fixture.ts';

const ROOT = join(import.meta.dirname, '..');
const REAL = readFileSync(join(ROOT, 'test/fixtures/journals/real-cdn-pop.jsonl'), 'utf8');
const RULES = join(ROOT, 'test/fixtures/rules/short-windows.yaml');
let dir: string;

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startCli(args, { cwd: dir });
  let stdout = '';
  let stderr = '';
  p.child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  p.child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await p.exited;
  return { code, stdout, stderr };
}

function journal(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The journal's lines with line `n` (1-based) rewritten. */
function editLine(text: string, n: number, edit: (line: string) => string): string {
  const lines = text.split('\n');
  lines[n - 1] = edit(lines[n - 1]!);
  return lines.join('\n');
}

/** The journal with its last line cut off halfway and no final newline: what a crash leaves. */
const tear = (text: string) => {
  const whole = text.trimEnd();
  const last = whole.lastIndexOf('\n');
  return whole.slice(0, last + 1 + Math.floor((whole.length - last) / 2));
};

const fixture = toJsonl(sampleJournal());
const impactLine = fixture.split('\n').findIndex((l) => l.includes('"impact.sample"')) + 1;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-journal-cli-'));
});

describe('a bad journal', () => {
  it('score: one line naming the file, the line, the path and what was expected; exit 1', async () => {
    const file = journal(
      'string-payload.jsonl',
      editLine(fixture, impactLine, (l) => l.replace(/"global":\{[^}]*\}/, '"global":"fine"')),
    );
    const r = await cli(['score', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `streamdrill: ${file}:${impactLine}: impact.sample: global: expected record, received string\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('report: refuses a journal version it does not know and a time that is not finite', async () => {
    const v2 = journal(
      'v2.jsonl',
      editLine(fixture, 2, (l) => l.replace('{"v":1,', '{"v":2,')),
    );
    const r = await cli(['report', v2, '--out', join(dir, 'v2-report')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `streamdrill: ${v2}:2: v: expected journal version 1, got 2 (not a journal this streamdrill reads)\n`,
    );
    const inf = journal(
      'inf.jsonl',
      editLine(fixture, 3, (l) => l.replace(/"t":\d+/, '"t":1e400')),
    );
    const r2 = await cli(['report', inf, '--out', join(dir, 'inf-report')]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toBe(
      `streamdrill: ${inf}:3: t: expected a finite time in ms since the epoch, got Infinity\n`,
    );
  });

  it('test-rules --journal: refuses shuffled lines instead of replaying nothing and passing', async () => {
    const lines = REAL.trimEnd().split('\n');
    const shuffled = journal('shuffled.jsonl', `${[...lines].reverse().join('\n')}\n`);
    const r = await cli(['test-rules', '--rules', RULES, '--no-scenarios', '--journal', shuffled]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^streamdrill: ${shuffled.replace(/[.]/g, '\\.')}:3: t: session\\.\\w+ at \\d+ is \\d+ ms before line 2: expected times in order \\(lines shuffled or edited\\?\\)\\n$`,
      ),
    );
    expect(r.stdout).not.toContain('PASS');
  });
  it('history record: refuses it instead of recording it without a word', async () => {
    const file = journal(
      'history-payload.jsonl',
      editLine(fixture, impactLine, (l) => l.replace(/"slices":\{.*\}\}$/, '"slices":[]}')),
    );
    const r = await cli(['history', '--db', join(dir, 'history.db'), 'record', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `streamdrill: ${file}:${impactLine}: impact.sample: slices: expected record, received array\n`,
    );
  });
});

describe('a journal with a torn last line', () => {
  it('score: warns and scores the events before it', async () => {
    const file = journal('torn-score.jsonl', tear(fixture));
    const lines = fixture.trimEnd().split('\n').length;
    const r = await cli(['score', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `streamdrill: warning: ${file}:${lines}: the last line is torn (no final newline, not valid JSON: the run was cut short while writing it); read the ${lines - 1} events before it\n`,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ scenario: 'fixture-cdn', severity: { truth: 'SEV2' } });
  });

  it('report: warns and writes the report', async () => {
    const file = journal('torn-report.jsonl', tear(fixture));
    const r = await cli(['report', file, '--out', join(dir, 'torn-report')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^streamdrill: warning: \S+torn-report\.jsonl:\d+: the last line is torn/);
    expect(readFileSync(join(dir, 'torn-report', 'pir.md'), 'utf8')).toContain('# Post-incident review');
  });

  it('test-rules --journal: warns and replays the real-player journal', async () => {
    const file = journal('torn-real.jsonl', tear(REAL));
    const r = await cli(['test-rules', '--rules', RULES, '--no-scenarios', '--journal', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^streamdrill: warning: \S+torn-real\.jsonl:\d+: the last line is torn/);
    expect(r.stdout).toMatch(/^PASS {2}cdn-pop-short/m);
  });
});
