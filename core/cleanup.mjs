// Undoing what a streamdrill process made, with nothing but Node itself: shared by the running
// process (proxy/client.ts releases what it made on a shared Toxiproxy) and by the watchdog process
// (core/watchdog-process.mjs), which does the same for a process that was killed. Plain JavaScript
// so the watchdog starts in milliseconds and needs nothing built; types in cleanup.d.mts.
import { readdirSync, readFileSync } from 'node:fs';

/** SIGKILL every process whose command line contains `match`, with its process group. */
export function killMatching(match) {
  if (!match) return;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.split('\0').some((arg) => arg.includes(match))) continue;
    const pid = Number(name);
    try {
      process.kill(-pid, 'SIGKILL'); // a browser is started as its own process group leader
    } catch {}
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

async function call(owned, method, path, body) {
  const headers = {};
  if (owned.token) headers.authorization = `Bearer ${owned.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${owned.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Undoes what one process made on a Toxiproxy and nothing else: removes the toxics it added (on
 * proxies it did not create), re-enables the proxies it disabled, removes the proxies it created.
 * Objects already gone are not errors.
 */
export async function releaseOwned(owned) {
  const enc = encodeURIComponent;
  const quiet = (p) => p.catch(() => undefined);
  const created = new Set(owned.proxies ?? []);
  for (const [proxy, toxic] of owned.toxics ?? [])
    if (!created.has(proxy))
      await quiet(call(owned, 'DELETE', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`));
  for (const proxy of owned.disabled ?? []) {
    if (created.has(proxy)) continue;
    await quiet(
      (async () => {
        const p = await call(owned, 'GET', `/proxies/${enc(proxy)}`);
        await call(owned, 'POST', `/proxies/${enc(proxy)}`, {
          enabled: true,
          listen: p.listen,
          upstream: p.upstream,
        });
      })(),
    );
  }
  for (const proxy of owned.proxies ?? []) await quiet(call(owned, 'DELETE', `/proxies/${enc(proxy)}`));
}
