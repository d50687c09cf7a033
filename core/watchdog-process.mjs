// The watchdog process (plain JavaScript: it must start in milliseconds and need nothing built).
// It reads jobs from its stdin, one JSON object per line, from the streamdrill process that started
// it. When that process says "done" it exits quietly; when its stdin ends without "done" — the
// parent died, even by SIGKILL or the OOM killer — it carries out every job still registered:
//
//   {"op":"set","id":"...","jobs":[{"kind":"kill","match":"<text in a command line>"},
//                                   {"kind":"remove","path":"<file or directory>"},
//                                   {"kind":"toxiproxy","owned":{url, token?, proxies, toxics, disabled}}]}
//   {"op":"forget","id":"..."}
//   {"op":"done"}
//
// See core/watchdog.ts for the side that writes these.
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { killMatching, releaseOwned } from './cleanup.mjs';

const registered = new Map();
let done = false;

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (msg.op === 'set' && typeof msg.id === 'string' && Array.isArray(msg.jobs))
    registered.set(msg.id, msg.jobs);
  else if (msg.op === 'forget') registered.delete(msg.id);
  else if (msg.op === 'done') done = true;
});
rl.on('close', () => {
  if (done) process.exit(0);
  cleanUp().finally(() => process.exit(0));
});

async function cleanUp() {
  const jobs = [...registered.values()].flat();
  // Processes first (a browser holds its profile directory), then Toxiproxy, then files.
  for (const j of jobs) if (j.kind === 'kill') killMatching(j.match);
  for (const j of jobs) if (j.kind === 'toxiproxy') await releaseOwned(j.owned).catch(() => {});
  for (const j of jobs) if (j.kind === 'remove') rmSync(j.path, { recursive: true, force: true });
}
