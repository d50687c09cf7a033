/**
 * Done-when check for the fault proxy: `streamdrill toxiproxy` runs as its own process, and a real
 * toxiproxy-node-client program (the proxy demo, through FaultProxy with an explicit URL, as with
 * TOXIPROXY_URL) creates a proxy, adds each toxic and observes its effect. Ctrl-C stops it cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BODY_BYTES, type DemoRow, runProxyDemo } from '../../proxy/demo.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'streamdrill.mjs');
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  child = spawn(process.execPath, [BIN, 'toxiproxy', '--port', '0', '--seed', '7', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`toxiproxy exited early with ${code}`)));
  });
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('streamdrill toxiproxy driven by toxiproxy-node-client', () => {
  let rows: Map<string, DemoRow['result']>;

  it('runs every toxic through the external server', async () => {
    const demo = await runProxyDemo({ url });
    expect(demo.embedded).toBe(false);
    rows = new Map(demo.rows.map((r) => [r.id, r.result]));
    const base = rows.get('none')!;
    expect(base.bytes).toBeGreaterThan(DEMO_BODY_BYTES);

    const latency = rows.get('latency')!;
    expect(latency.firstByteMs!).toBeGreaterThanOrEqual(150);
    expect(latency.firstByteMs!).toBeLessThan(300);
    expect(rows.get('latency-spared')!.firstByteMs!).toBeLessThan(100);

    const bw = rows.get('bandwidth')!;
    expect(bw.totalMs).toBeGreaterThan(430);
    expect(bw.totalMs).toBeLessThan(620);

    expect(rows.get('slow_close')!.totalMs).toBeGreaterThanOrEqual(390);
    const timeout = rows.get('timeout')!;
    expect(timeout.bytes).toBe(0);
    expect(timeout.totalMs).toBeGreaterThanOrEqual(590);
    expect(rows.get('reset_peer')!.ending).toBe('ECONNRESET');
    expect(rows.get('slicer')!.chunks).toBeGreaterThan(100);
    expect(rows.get('limit_data')!.bytes).toBe(10_000);
    expect(rows.get('down')!.ending).toBe('ECONNREFUSED');
  }, 30_000);

  it('stops cleanly on SIGTERM (exit 143, as for any interrupted command) and releases its port', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    await expect(fetch(`${url}/version`)).rejects.toThrow();
  });
});
