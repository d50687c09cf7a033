import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../core/journal.ts';
import { checkPromRules, findPromtool, PromtoolMissingError, runPromtoolForRun } from './promtool.ts';

const RULES = join(import.meta.dirname, '../scenarios/rules/default.prometheus.yml');
const JOURNAL = join(import.meta.dirname, '../test/fixtures/journals/worked-example.jsonl');
const journal = async () => (await readJournal(JOURNAL)).events;

const hasPromtool = (() => {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmp = () => mkdtempSync(join(tmpdir(), 'sd-promtool-'));

describe('promtool missing', () => {
  it('says how to install it', async () => {
    const env = { ...process.env, PATH: '/nonexistent', STREAMDRILL_PROMTOOL: '' };
    await expect(findPromtool(undefined, env)).rejects.toThrow(PromtoolMissingError);
    await expect(findPromtool(undefined, env)).rejects.toThrow(
      /promtool was not found on PATH: .*apt-get install -y prometheus/,
    );
    await expect(
      runPromtoolForRun({ events: await journal(), prometheusRules: RULES, workDir: tmp(), env }),
    ).rejects.toThrow(/apt-get install -y prometheus/);
  });
});

describe.skipIf(!hasPromtool)('promtool (real)', () => {
  it('loads the default Prometheus rule file', async () => {
    expect(await checkPromRules(RULES)).toBeNull();
  });

  it('passes the worked example with the default rules and fails a raised RebufferPage threshold', async () => {
    const events = await journal();
    const ok = await runPromtoolForRun({ events, prometheusRules: RULES, workDir: tmp() });
    expect(ok.message).toBe('SUCCESS');
    expect(ok.pass).toBe(true);
    expect(ok.alerts).toEqual(['RebufferPage', 'VideoStartFailurePage']);
    const test = readFileSync(ok.testFile, 'utf8');
    expect(test).toContain(`- ${RULES}`);
    expect(test).toMatch(/series: streamdrill_qoe_rebuffering_share\{region="emea"\}/);

    const dir = tmp();
    const broken = join(dir, 'broken.prometheus.yml');
    const text = readFileSync(RULES, 'utf8');
    const raised = text.replace(
      'streamdrill_qoe_rebuffering_share{region!=""} > 0.05',
      'streamdrill_qoe_rebuffering_share{region!=""} > 0.15',
    );
    expect(raised).not.toBe(text);
    writeFileSync(broken, raised);
    const bad = await runPromtoolForRun({ events, prometheusRules: broken, workDir: dir });
    expect(bad.pass).toBe(false);
    expect(bad.message).toMatch(
      /^FAILED: RebufferPage at \S+: expected \{action="page", alertname="RebufferPage", region="emea"\}, got none/,
    );
  });

  it('reports a missing rule file instead of passing vacuously', async () => {
    await expect(
      runPromtoolForRun({
        events: await journal(),
        prometheusRules: '/nonexistent/rules.yml',
        workDir: tmp(),
      }),
    ).rejects.toThrow(/cannot read the Prometheus rule file/);
  });
});
