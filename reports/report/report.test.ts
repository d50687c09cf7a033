/** The report writers against a hand-built journal (test/support/report-fixture.ts). */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../core/journal-events.ts';
import { loadRunbook, type Runbook } from '../../incident/runbook.ts';
import { FOLLOW_UP, PERSON, sampleJournal, toJsonl } from '../../test/support/report-fixture.ts';
import { writeReport } from './index.ts';
import { renderJunit } from './junit.ts';
import { buildModel, type ReportModel } from './load.ts';
import { severityNote } from './severity-note.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');

/**
 * A small XML well-formedness check (no XML parser is installed): every tag matches, attributes
 * are quoted, and `&` / `<` only appear as markup or entities. Returns the element names seen.
 */
function checkXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const seen: string[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt < 0 ? body.length : lt);
    if (text.replace(entity, '').includes('&')) throw new Error(`bare & in text near ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`malformed tag at ${lt}: ${body.slice(lt, lt + 40)}`);
    const [, close, name, attrs, selfClose] = m;
    if (attrs!.replace(entity, '').includes('&')) throw new Error(`bare & in attribute of <${name}>`);
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      seen.push(name!);
      if (!selfClose) stack.push(name!);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return seen;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let runbook: Runbook;
let dir: string;
let model: ReportModel;
let html: string;
let junit: string;
let pir: string;

beforeAll(async () => {
  runbook = await loadRunbook();
  dir = await mkdtemp(join(tmpdir(), 'sd-report-'));
  await writeFile(join(dir, 'journal.jsonl'), toJsonl(sampleJournal()));
  const out = await writeReport(join(dir, 'journal.jsonl'), { runbook });
  model = out.model;
  html = await readFile(out.files.html, 'utf8');
  junit = await readFile(out.files.junit, 'utf8');
  pir = await readFile(out.files.pir, 'utf8');
});

describe('report.html', () => {
  it('marks every kind of event on the charts', () => {
    for (const kind of [
      'fault-applied',
      'fault-removed',
      'alert-firing',
      'alert-resolved',
      'acknowledge',
      'declare',
      'mitigate',
      'impact-reduced',
      'recovery',
      'resolve',
    ])
      expect(html, kind).toContain(`data-marker="${kind}"`);
    // Six charts (three metrics by region and by CDN), every one with the markers.
    expect(html.match(/<svg class="chart"/g)).toHaveLength(6);
    expect(html.match(/data-marker="mitigate"/g)).toHaveLength(6 * 2);
  });

  it('is self-contained: no scripts, stylesheets or external URLs', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|<img/i);
    expect(html).not.toMatch(/\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/);
  });

  it('has every section, the seven dashboards at three moments, and escapes free text', () => {
    for (const id of ['scorecard', 'impact', 'qoe', 'dashboards', 'actions', 'faults', 'alerts'])
      expect(html).toContain(`<section id="${id}"`);
    for (const m of ['page', 'mitigation', 'resolve']) expect(html).toContain(`data-moment="${m}"`);
    expect(html.match(/data-dashboard="/g)).toHaveLength(3 * 7);
    expect(html).toContain('are not modelled in a virtual run and are not in the journal');
    expect(html).toContain('&lt;watch&gt;');
    expect(html).not.toContain('<watch>');
    expect(html).not.toContain(PERSON);
    expect(html).toContain('data-severity="SEV2"');
  });
});

describe('the severity note', () => {
  it('explains the worked example is the grid’s SEV2, not the heading’s SEV1', () => {
    const events = sampleJournal();
    events[0] = { ...eventsOf(events, 'run.started')[0]!, scenario: 'worked-example' };
    const note = severityNote(buildModel('j', events, runbook));
    expect(note).toContain('SEV1');
    expect(note).toContain('SEV2');
    expect(note).toContain('grid');
    expect(severityNote(model)).toBeNull();
  });
});

describe('junit.xml', () => {
  it('is well-formed with one case per scorecard item and expectation, failures counted', () => {
    const elements = checkXml(junit);
    const cases = elements.filter((e) => e === 'testcase').length;
    expect(cases).toBe(model.scorecard.items.length + model.expectations.length);
    const failing =
      model.scorecard.items.filter((i) => i.pass === false).length +
      model.expectations.filter((e) => !e.pass).length;
    const skipped = model.scorecard.items.filter((i) => i.pass === null).length;
    expect(failing).toBeGreaterThan(0);
    expect(elements.filter((e) => e === 'failure')).toHaveLength(failing);
    expect(elements.filter((e) => e === 'skipped')).toHaveLength(skipped);
    const suite = /<testsuite [^>]*>/.exec(junit)![0];
    expect(suite).toContain(`tests="${cases}"`);
    expect(suite).toContain(`failures="${failing}"`);
    expect(suite).toContain(`skipped="${skipped}"`);
    expect(suite).toMatch(/time="\d+\.\d{3}"/);
    expect(junit).toContain('name="A follow-up for every mitigation [follow-ups]"');
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    const item = { ...model.scorecard.items[0]!, pass: false, why: 'a <b> & "c" \u0007' };
    const xml = renderJunit({ ...model, scorecard: { ...model.scorecard, items: [item] } });
    expect(() => checkXml(xml)).not.toThrow();
    expect(xml).toContain('message="a &lt;b&gt; &amp; &quot;c&quot; "');
  });
});

describe('pir.md', () => {
  it('has every section, every follow-up, and one added for the mitigation without one', () => {
    for (const h of [
      '## Summary',
      '## Impact',
      '## Timeline',
      '## Detection',
      '## Response',
      '## What went well',
      '## What to improve',
      '## Action items',
      '## Severity',
    ])
      expect(pir).toContain(h);
    expect(pir).toContain(FOLLOW_UP);
    expect(pir).toMatch(/Follow up the `rollback` mitigation .*no follow-up was filed/);
    expect(pir).toContain("the grid's call");
    expect(pir).toMatch(/Peak affected share:\*\* \d+\.\d%/);
    expect(pir).toMatch(/Viewers affected \(estimated from weights\):\*\* about [\d,]+/);
  });

  it('names roles, never people', () => {
    expect(pir).not.toContain(PERSON);
    expect(pir).not.toMatch(/Alice/i);
    expect(pir).toContain('the Incident Commander decides to steer');
    const roles = new Set(runbook.roles.map((r) => r.name));
    const rows = pir.split('\n').filter((l) => /^\| \d\d:\d\d:\d\d \|/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      const who = r.split('|')[4]!.trim();
      expect(roles.has(who) || ['drill', 'alerting', 'measured'].includes(who), who).toBe(true);
    }
  });
});

describe('result.json', () => {
  it('rebuilds the run result from the journal', async () => {
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ version: 1, scenario: 'fixture-cdn', mode: 'virtual', endedBy: 'end' });
    expect(result.series).toHaveLength(model.samples.length);
    expect(result.faults).toEqual([
      expect.objectContaining({ step: 'fra-503', removedAt: expect.any(Number), reason: 'duration' }),
    ]);
    expect(result.alerts[0]).toMatchObject({ rule: 'RebufferPage', firedAt: expect.any(Number) });
    expect(result.scorecard.score).toBe(model.scorecard.score);
    expect(result.expectations.length).toBeGreaterThan(0);
  });

  it('keeps an existing result.json and refreshes its scorecard', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sd-report-'));
    await writeFile(join(d, 'journal.jsonl'), toJsonl(sampleJournal()));
    const old = { version: 1, wallMs: 1234, custom: 'kept', scorecard: { score: 0 } };
    await writeFile(join(d, 'result.json'), JSON.stringify(old));
    const out = await writeReport(join(d, 'journal.jsonl'), { runbook, outDir: join(d, 'out') });
    const result = JSON.parse(await readFile(out.files.result, 'utf8'));
    expect(result).toMatchObject({ wallMs: 1234, custom: 'kept', scenario: 'fixture-cdn' });
    expect(result.scorecard.score).toBe(model.scorecard.score);
  });
});

describe('streamdrill report (CLI)', () => {
  it('writes the four files', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sd-report-'));
    await writeFile(join(d, 'journal.jsonl'), toJsonl(sampleJournal()));
    const r = await run(['report', join(d, 'journal.jsonl'), '--out', join(d, 'o')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['report.html', 'result.json', 'junit.xml', 'pir.md'])
      expect(r.stdout).toContain(join(d, 'o', f));
  });

  it('fails with one line naming the file (and line), no stack trace', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sd-report-'));
    const bad = join(d, 'bad.jsonl');
    await writeFile(bad, `${toJsonl(sampleJournal().slice(0, 2))}{"v":1,"t":\n`);
    const notRun = join(d, 'other.jsonl');
    // A `streamdrill play` journal: valid, but not a drill's.
    await writeFile(notRun, '{"v":1,"t":1,"type":"play.end","interrupted":null}\n');
    // In parallel: each is a fresh CLI process.
    const [missing, r, r2] = await Promise.all([
      run(['report', join(d, 'nope.jsonl')]),
      run(['report', bad]),
      run(['report', notRun]),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `streamdrill: ${join(d, 'nope.jsonl')}: cannot read the journal (ENOENT)`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}:3: not valid JSON`);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toBe(`streamdrill: ${notRun}: not a run journal (no run.started event)`);
  });
});
