/**
 * `streamdrill stack clean`: what killed streamdrill processes left behind, found and removed.
 * The watchdog (core/watchdog.ts) normally does this the moment a process dies; this is for when
 * the watchdog died too (a reboot, `kill -9` of the whole process group) or for a Toxiproxy shared
 * with other machines. Only things whose owner is provably gone are touched (or, with `--all`,
 * everything streamdrill made on the given Toxiproxy).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killMatching } from '../core/cleanup.mjs';
import { PROFILE_PREFIX } from '../player-harness/browser.ts';
import { FaultProxy, NAMESPACE_ROOT, ownerOfNamespace } from '../proxy/client.ts';
import { STATE_DIR } from './control-client.ts';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface CleanReport {
  stateFiles: string[];
  browsers: string[];
  proxies: string[];
}

export async function clean(o: { toxiproxy?: string; all?: boolean; token?: string }): Promise<CleanReport> {
  const report: CleanReport = { stateFiles: [], browsers: [], proxies: [] };
  // State files of commands that are no longer running (stack.json, console.json, ...).
  let files: string[] = [];
  try {
    files = readdirSync(STATE_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    // no state directory
  }
  for (const f of files) {
    const path = join(STATE_DIR, f);
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(path, 'utf8')) as { pid?: number }).pid;
    } catch {
      pid = undefined;
    }
    if (typeof pid === 'number' && isAlive(pid)) continue;
    if (typeof pid !== 'number' && !f.match(/^(stack|console)\.json$/)) continue;
    rmSync(path, { force: true });
    report.stateFiles.push(path);
  }
  // Browser profiles (and any browser still running on one) of processes that are gone.
  for (const d of readdirSync(tmpdir())) {
    const m = new RegExp(`^${PROFILE_PREFIX}(\\d+)-`).exec(d);
    if (!m || isAlive(Number(m[1]))) continue;
    const dir = join(tmpdir(), d);
    killMatching(dir);
    rmSync(dir, { recursive: true, force: true });
    report.browsers.push(dir);
  }
  // Proxies on a shared Toxiproxy made by processes of this machine that are gone (or all of ours).
  if (o.toxiproxy) {
    const fp = await FaultProxy.connect({
      url: o.toxiproxy,
      namespace: '',
      ...(o.token ? { token: o.token } : {}),
    });
    for (const p of await fp.proxies()) {
      if (!p.name.startsWith(NAMESPACE_ROOT)) continue;
      const owner = ownerOfNamespace(p.name);
      const dead = owner?.localPid !== undefined && !isAlive(owner.localPid);
      if (!o.all && !dead) continue;
      await fp.removeProxy(p.name);
      report.proxies.push(p.name);
    }
  }
  return report;
}
