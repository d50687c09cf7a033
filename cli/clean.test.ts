/**
 * `streamdrill stack clean` after processes that died without cleaning up: their state files,
 * browser profiles and proxies on a shared Toxiproxy go; those of live processes and of other
 * teams stay.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultNamespace } from '../proxy/client.ts';
import { startCli } from '../test/support/cli-process.ts';
import { startToxiproxy } from '../test/support/toxiproxy.ts';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

describe('streamdrill stack clean', () => {
  it('removes what dead processes left and nothing else', async () => {
    const dead = deadPid();
    const cwd = mkdtempSync(join(tmpdir(), 'sd-clean-'));
    mkdirSync(join(cwd, '.streamdrill'));
    writeFileSync(
      join(cwd, '.streamdrill', 'stack.json'),
      JSON.stringify({ control: 'http://127.0.0.1:1', pid: dead }),
    );
    writeFileSync(join(cwd, '.streamdrill', 'console.json'), JSON.stringify({ url: 'x', pid: process.pid }));
    const staleProfile = mkdtempSync(join(tmpdir(), `streamdrill-chromium-${dead}-`));
    const liveProfile = mkdtempSync(join(tmpdir(), `streamdrill-chromium-${process.pid}-`));
    const shared = await startToxiproxy('clean');
    try {
      await shared.client.populate([
        {
          name: `${defaultNamespace(dead)}viewer.licence`,
          listen: '127.0.0.1:0',
          upstream: '127.0.0.1:9',
          enabled: true,
        },
        {
          name: `${defaultNamespace(process.pid)}viewer.entry`,
          listen: '127.0.0.1:0',
          upstream: '127.0.0.1:9',
          enabled: true,
        },
        { name: 'team-b.api', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true },
      ]);
      const run = startCli(['stack', 'clean', '--toxiproxy', shared.url], { cwd });
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toContain('stack.json');
      expect(run.output()).toContain(`${defaultNamespace(dead)}viewer.licence`);
      expect(existsSync(join(cwd, '.streamdrill', 'stack.json'))).toBe(false);
      expect(existsSync(join(cwd, '.streamdrill', 'console.json'))).toBe(true);
      expect(existsSync(staleProfile)).toBe(false);
      expect(existsSync(liveProfile)).toBe(true);
      expect(Object.keys(await shared.client.getAll()).sort()).toEqual(
        [`${defaultNamespace(process.pid)}viewer.entry`, 'team-b.api'].sort(),
      );

      const all = startCli(['stack', 'clean', '--toxiproxy', shared.url, '--all'], { cwd });
      expect(await all.exited, all.output()).toBe(0);
      expect(Object.keys(await shared.client.getAll())).toEqual(['team-b.api']);
    } finally {
      await shared.server.close();
      rmSync(liveProfile, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
