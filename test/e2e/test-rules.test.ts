/**
 * Done-when check for alert-rule regression: the default rules pass test-rules on the worked
 * example; a broken change (RebufferPage raised from 5% to 15%) fails it with a clear message;
 * and the same holds through real promtool for the Prometheus version of the rules.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'streamdrill.mjs');
const dir = mkdtempSync(join(tmpdir(), 'sd-test-rules-'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of a rules file with only RebufferPage's threshold raised from 5% to 15%. */
function breakRebufferPage(file: string, pattern: RegExp, replacement: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const broken = text.replace(pattern, replacement);
  expect(broken).not.toBe(text);
  const out = join(dir, file.split('/').pop()!);
  writeFileSync(out, broken);
  return out;
}

describe('streamdrill test-rules on the worked example', () => {
  it('passes with the default rules, in streamdrill and through promtool', async () => {
    const junit = join(dir, 'ok.xml');
    const r = await cli([
      'test-rules',
      '--rules',
      'scenarios/rules/default.yaml',
      '--only',
      'worked-example',
      '--prometheus',
      'scenarios/rules/default.prometheus.yml',
      '--junit',
      junit,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ok    RebufferPage {"region":"emea"} fires within 600s of impact');
    expect(r.stdout).toContain('ok    promtool on the Prometheus rules: SUCCESS');
    expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(readFileSync(junit, 'utf8')).toContain('failures="0"');
  }, 120_000);

  it('fails a RebufferPage threshold raised to 15%, saying why', async () => {
    const rules = breakRebufferPage(
      'scenarios/rules/default.yaml',
      /(name: RebufferPage[\s\S]*?threshold: )0\.05/,
      '$10.15',
    );
    const junit = join(dir, 'broken.xml');
    const r = await cli(['test-rules', '--rules', rules, '--only', 'worked-example', '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  RebufferPage {"region":"emea"} fires within 600s of impact: RebufferPage never fired with {"region":"emea"}',
    );
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('failures="1"');
    expect(xml).toContain('RebufferPage never fired');
  }, 120_000);

  it('fails the same broken change through promtool on the Prometheus rules', async () => {
    const prom = breakRebufferPage(
      'scenarios/rules/default.prometheus.yml',
      /(alert: RebufferPage\n\s+expr: streamdrill_qoe_rebuffering_share\{region!=""\} > )0\.05/,
      '$10.15',
    );
    const r = await cli([
      'test-rules',
      '--rules',
      'scenarios/rules/default.yaml',
      '--only',
      'worked-example',
      '--prometheus',
      prom,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL {2}promtool on the Prometheus rules: FAILED: RebufferPage at \S+: expected .*region="emea".*, got none/,
    );
  }, 120_000);

  it('reports bad input clearly', async () => {
    const r = await cli(['test-rules', '--rules', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('streamdrill: nope.yaml:0:0: (document): cannot read the file (ENOENT)');
  }, 60_000);
});
