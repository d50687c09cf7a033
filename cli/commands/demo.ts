/** `streamdrill demo`: the fault-proxy demo, every toxic measured against a small HTTP origin. */
import type { Command } from 'commander';
import { runProxyDemo } from '../../proxy/demo.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Create a proxy through toxiproxy-node-client, apply each toxic and show its measured effect',
    )
    .option('--seed <seed>', 'seed for jitter and toxicity draws', '1')
    .action(async (flags: { seed: string }) => {
      const { rows, url, embedded } = await runProxyDemo({ seed: flags.seed });
      process.stdout.write(`fault proxy: ${embedded ? 'embedded' : 'external'} Toxiproxy API at ${url}\n\n`);
      const head = ['fault', 'first byte', 'total', 'bytes', 'reads', 'ending', 'expected'];
      const table = rows.map((r) => [
        r.fault,
        r.result.firstByteMs === undefined ? '-' : `${r.result.firstByteMs.toFixed(0)} ms`,
        `${r.result.totalMs.toFixed(0)} ms`,
        String(r.result.bytes),
        String(r.result.chunks),
        r.result.ending,
        r.expect,
      ]);
      const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
      for (const row of table) process.stdout.write(`${line(row)}\n`);
    });
}
