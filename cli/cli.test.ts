/** The CLI contract: help for every command, exit code 2 for usage errors, clear one-line messages. */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'streamdrill.mjs');

function run(args: string[], timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('streamdrill CLI', () => {
  it('prints help listing the commands', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('toxiproxy');
    expect(r.stdout).toContain('demo');
    expect(r.stdout).toContain('stack');
  });

  it('has --help for every command', async () => {
    for (const cmd of ['toxiproxy', 'demo', 'stack', 'stack up', 'stack fault add', 'stack mitigate']) {
      const r = await run([...cmd.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: streamdrill ${cmd}`);
    }
  });

  it('exits 2 with a clear message for an unknown command', async () => {
    const r = await run(['toxiproxi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'toxiproxi'");
    expect(r.stderr).toContain('toxiproxy'); // the suggestion
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('exits 2 for an unknown flag and for a bad flag value', async () => {
    const unknown = await run(['toxiproxy', '--prot', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--prot'");
    const bad = await run(['toxiproxy', '--port', 'http']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a TCP port number from 0 to 65535, got "http"');
  });

  it('names the file and the problem for a bad --config, without a stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sd-cli-'));
    const file = join(dir, 'proxies.json');
    await writeFile(file, JSON.stringify([{ name: 'a', upstream: '127.0.0.1:1' }, { name: 'b' }]));
    const r = await run(['toxiproxy', '--port', '0', '--config', file, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`streamdrill: ${file}: missing required field: upstream at proxy 2`);
    const missing = await run(['toxiproxy', '--port', '0', '--config', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json: cannot read the config file (ENOENT)');
  });
});
