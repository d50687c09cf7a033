/**
 * A recorded real-player drill as a permanent regression case: the journal of the short CDN-POP
 * scenario on ten real hls.js/Shaka players (test/fixtures/journals/real-cdn-pop.jsonl, recorded
 * once with scripts/record-real-fixture.ts) is replayed through `streamdrill test-rules --journal`.
 * Its session events rebuild the metrics and the rules are evaluated as they would have been during
 * the drill: in seconds, no browser. The rules that paged pass; a RebufferPage threshold raised to
 * 15% (EMEA sat at 12.5%) fails, saying why.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'streamdrill.mjs');
const JOURNAL = 'test/fixtures/journals/real-cdn-pop.jsonl';
const RULES = 'test/fixtures/rules/short-windows.yaml';
const RULES_PAGE_15 = 'test/fixtures/rules/short-windows-page-15.yaml';
const dir = mkdtempSync(join(tmpdir(), 'sd-replay-real-'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('streamdrill test-rules on a recorded real-player journal', () => {
  it('is a real drill: real sessions, the fault, and the page it raised', () => {
    const events = readFileSync(join(ROOT, JOURNAL), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; mode?: string; rule?: string; labels?: object });
    expect(events.find((e) => e.type === 'run.started')).toMatchObject({
      mode: 'real',
      scenario: 'cdn-pop-short',
    });
    expect(events.filter((e) => e.type === 'session.playbackStart').length).toBeGreaterThanOrEqual(8);
    expect(events.filter((e) => e.type === 'fault.applied').length).toBe(1);
    expect(
      events.some(
        (e) =>
          e.type === 'alert.firing' &&
          e.rule === 'RebufferPage' &&
          JSON.stringify(e.labels) === '{"region":"emea"}',
      ),
    ).toBe(true);
  });

  it('passes with the rules that paged during the drill', async () => {
    const junit = join(dir, 'ok.xml');
    const t0 = performance.now();
    const r = await cli([
      'test-rules',
      '--rules',
      RULES,
      '--no-scenarios',
      '--journal',
      JOURNAL,
      '--junit',
      junit,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}cdn-pop-short — .*\(journal, \d+ ms;/m);
    expect(r.stdout).toMatch(/fired: \+\S+ +RebufferPage \(page\) \{"region":"emea"\}, resolved \+/);
    expect(r.stdout).toContain('ok    RebufferPage {"region":"emea"} fires: fired');
    expect(r.stdout).toContain('ok    RebufferPage {"region":"na"} stays quiet: did not fire');
    expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(readFileSync(junit, 'utf8')).toContain('failures="0"');
    // Seconds, not the minutes the drill took: no browser, no scenario run in virtual time.
    expect(performance.now() - t0).toBeLessThan(20_000);
  }, 60_000);

  it('fails a RebufferPage threshold raised to 15%, saying why', async () => {
    const junit = join(dir, 'broken.xml');
    const r = await cli([
      'test-rules',
      '--rules',
      RULES_PAGE_15,
      '--no-scenarios',
      '--journal',
      JOURNAL,
      '--junit',
      junit,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  RebufferPage {"region":"emea"} fires: RebufferPage never fired with {"region":"emea"}',
    );
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('failures="1"');
    expect(xml).toContain('RebufferPage never fired');
  }, 60_000);

  it('says so when --no-scenarios leaves nothing to test', async () => {
    const r = await cli(['test-rules', '--rules', RULES, '--no-scenarios']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('streamdrill: --no-scenarios leaves nothing to test without --journal');
  }, 60_000);
});
