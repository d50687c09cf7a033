/** `streamdrill play`: usage errors exit 2, a missing browser exits 1 with how to install one (no stack started). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 20_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('streamdrill play', () => {
  it('documents its flags', async () => {
    const r = await run(['play', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--players',
      '--duration',
      '--cohorts',
      '--out',
      '--population',
      '--patience',
      '--churn',
    ])
      expect(r.stdout).toContain(flag);
  });

  it.each([
    [['--players', '0'], 'expected a number of players from 1 to 64, got "0"'],
    [['--players', '100000'], 'expected a number of players from 1 to 64, got "100000"'],
    [['--duration', 'soon'], 'expected a duration such as 90s, 2m or 1h, got "soon"'],
    [['--cohorts', 'colour=red'], '--cohorts: unknown cohort dimension "colour"'],
    [['--cohorts', 'region=mars'], 'unknown region "mars" (expected one of: emea, na)'],
  ])('exits 2 for %j', async (args, message) => {
    const r = await run(['play', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('exits 1 with install advice when the browser is missing', async () => {
    const r = await run(['play', '--duration', '1s'], { STREAMDRILL_BROWSER: '/nonexistent/chromium' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no Chromium found');
    expect(r.stderr).toContain('apt-get install chromium');
  });
});
