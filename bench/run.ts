/**
 * `npm run bench [-- name...]`: runs the benchmarks and writes each result to
 * bench/results/<name>.json plus a line in bench/results/README.md's table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchDrill } from './drill.ts';
import { benchMetrics } from './metrics.ts';
import { benchPlayers } from './players.ts';
import { benchProxy } from './proxy.ts';
import { benchVirtual } from './virtual.ts';

const RESULTS = join(import.meta.dirname, 'results');

const BENCHES: Record<string, () => Promise<{ pass: boolean }>> = {
  proxy: () => benchProxy(),
  virtual: () => benchVirtual(),
  players: () => benchPlayers(),
  drill: () => benchDrill(),
  metrics: () => benchMetrics(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}
await mkdir(RESULTS, { recursive: true });
let failed = false;
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  process.stdout.write(`bench ${name}: running\n`);
  const result = await BENCHES[name]!();
  await writeFile(join(RESULTS, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `${JSON.stringify(result, null, 2)}\nbench ${name}: ${result.pass ? 'meets' : 'MISSES'} its targets\n`,
  );
  failed ||= !result.pass;
}
process.exitCode = failed ? 1 : 0;
