/**
 * Nothing left behind after SIGKILL: a process with a real Chromium and a proxy and toxic on a
 * shared Toxiproxy is killed outright; its watchdog kills the browser (and its renderers), removes
 * the profile directory and undoes what it made on the Toxiproxy, and then exits itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startToxiproxy } from '../test/support/toxiproxy.ts';

const PROGRAM = join(import.meta.dirname, '..', 'test', 'fixtures', 'programs', 'leaves-things.ts');

/** Processes whose command line contains `text`. */
function processesWith(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('the watchdog', () => {
  it('cleans up after a process killed with SIGKILL', async () => {
    const shared = await startToxiproxy('watchdog');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', PROGRAM], {
        env: { ...process.env, TOXIPROXY_URL: shared.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('READY')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
      });
      const profile = `streamdrill-chromium-${child.pid}-`;
      const browsers = processesWith(profile);
      expect(browsers.length).toBeGreaterThan(0);
      const dirs = readdirSync(tmpdir()).filter((d) => d.startsWith(profile));
      expect(dirs.length).toBe(1);
      const proxies = Object.keys(await shared.client.getAll());
      expect(proxies.some((p) => p.endsWith('.victim'))).toBe(true);

      child.kill('SIGKILL');
      expect(await until(() => processesWith(profile).length === 0, 10_000), 'browser processes gone').toBe(
        true,
      );
      expect(await until(() => !existsSync(join(tmpdir(), dirs[0]!)), 10_000), 'profile removed').toBe(true);
      expect(
        await until(async () => Object.keys(await shared.client.getAll()).length === 0, 10_000),
        'proxy removed from the shared Toxiproxy',
      ).toBe(true);
      expect(
        await until(() => processesWith('watchdog-process.mjs').every((pid) => pid !== child.pid), 5000),
      ).toBe(true);
    } finally {
      await shared.server.close();
    }
  }, 60_000);
});
