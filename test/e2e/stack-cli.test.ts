/**
 * `streamdrill stack up` in its own process, driven from a "second shell": faults, mitigations,
 * state through the CLI twins of the control API; Ctrl-C tears everything down.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../../faults/index.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');
const cwd = mkdtempSync(join(tmpdir(), 'sd-stack-cli-'));
let child: ChildProcess;
let output = '';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  child = spawn(process.execPath, [BIN, 'stack', 'up'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Ctrl-C stops everything')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`stack up exited early (${code}): ${output}`)));
  });
}, 30_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('streamdrill stack', () => {
  it('prints the endpoints and playback URLs for each player and channel', () => {
    for (const what of [
      'control API',
      'entry point',
      'steering',
      'licence',
      'cdn-a/fra (emea)',
      'cdn-b/sjc (na)',
    ]) {
      expect(output).toContain(what);
    }
    expect(output.match(/\/player\?player=(hlsjs|shaka|dashjs)&channel=(news|sport)/g)?.length).toBe(6);
    expect(existsSync(join(cwd, '.streamdrill', 'stack.json'))).toBe(true);
  });

  it('adds, lists and removes faults from a second shell', async () => {
    const add = await cli([
      'stack',
      'fault',
      'add',
      'http-status',
      '--match',
      'cdn=cdn-a,pop=fra,kind=segment',
      '--set',
      'status=503',
      '--set',
      'share=0.5',
      '--id',
      'fra-503',
    ]);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({
      id: 'fra-503',
      type: 'http-status',
      status: 503,
      share: 0.5,
      match: { cdn: 'cdn-a', pop: 'fra' },
    });
    const tcp = await cli([
      'stack',
      'fault',
      'add',
      'latency',
      '--match',
      'link=viewer-edge,isp=eu-cable',
      '--set',
      'latency=200',
    ]);
    expect(tcp.code).toBe(0);
    const tcpFault = JSON.parse(tcp.stdout) as { id: string; links: string[] };
    expect(tcpFault.links.length).toBe(6);
    const list = JSON.parse((await cli(['stack', 'fault', 'list'])).stdout) as {
      http: unknown[];
      tcp: unknown[];
    };
    expect(list.http).toHaveLength(1);
    expect(list.tcp).toHaveLength(1);
    expect((await cli(['stack', 'fault', 'rm', 'fra-503'])).code).toBe(0);
    expect((await cli(['stack', 'fault', 'clear'])).code).toBe(0);
    const after = JSON.parse((await cli(['stack', 'fault', 'list'])).stdout) as {
      http: unknown[];
      tcp: unknown[];
    };
    expect(after).toEqual({ http: [], tcp: [] });
  }, 30_000);

  it('pulls levers and shows them in the state', async () => {
    expect((await cli(['stack', 'mitigate', 'steer', '--region', 'emea', '--cdn', 'cdn-b'])).code).toBe(0);
    expect((await cli(['stack', 'deploy', 'packager', '3.5.1'])).code).toBe(0);
    expect((await cli(['stack', 'mitigate', 'rollback', '--component', 'packager'])).code).toBe(0);
    const state = JSON.parse((await cli(['stack', 'state'])).stdout) as {
      steering: { priorities: Record<string, string[]> };
      levers: { lever: string }[];
      deploys: { versions: Record<string, string> };
    };
    expect(state.steering.priorities.emea).toEqual(['cdn-b', 'cdn-a']);
    expect(state.levers.map((l) => l.lever)).toEqual(['steer', 'rollback']);
    expect(state.deploys.versions.packager).toBe('3.4.2');
  }, 30_000);

  it('lists every fault type with its parameters and what it does', async () => {
    const help = await cli(['stack', 'fault', 'add', '--help']);
    expect(help.code).toBe(0);
    for (const m of FAULTS.filter((f) => f.layer !== 'change')) {
      expect(help.stdout).toContain(`${m.type.padEnd(24)} ${m.description}`);
    }
  }, 30_000);

  it('reports bad input clearly', async () => {
    const bad = await cli(['stack', 'fault', 'add', 'http-status', '--set', 'status=200']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^streamdrill: POST \/faults\/http: invalid fault: status/);
    const lever = await cli(['stack', 'mitigate', 'steer', '--region', 'mars', '--cdn', 'cdn-b']);
    expect(lever.code).toBe(1);
    expect(lever.stderr).toContain("unknown region 'mars'");
    const usage = await cli(['stack', 'fault', 'add', 'http-status', '--match', 'nonsense']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('expected key=value');
    const pop = await cli([
      'stack',
      'fault',
      'add',
      'http-status',
      '--match',
      'pop=xyz',
      '--set',
      'status=503',
    ]);
    expect(pop.code).toBe(1);
    expect(pop.stderr).toContain(
      "match.pop: unknown pop 'xyz' (POPs: fra, ams, par, iad, sjc, shield-emea, shield-na)",
    );
    const toxic = await cli([
      'stack',
      'fault',
      'add',
      'latency',
      '--match',
      'isp=eu-cable',
      '--set',
      'latncy=300',
    ]);
    expect(toxic.code).toBe(1);
    expect(toxic.stderr).toContain("unknown key 'latncy' (latency attributes: latency, jitter)");
    const type = await cli(['stack', 'fault', 'add', 'meteor-strike']);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain("unknown fault type 'meteor-strike' (types: http-status, http-delay");
  }, 30_000);

  it('stops on Ctrl-C, removes its state file and closes the control API', async () => {
    const control = (
      JSON.parse(readFileSync(join(cwd, '.streamdrill', 'stack.json'), 'utf8')) as { control: string }
    ).control;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(existsSync(join(cwd, '.streamdrill', 'stack.json'))).toBe(false);
    await expect(fetch(`${control}/state`)).rejects.toThrow();
    const none = await cli(['stack', 'state']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no running stack found');
  }, 30_000);
});
