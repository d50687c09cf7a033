/** `streamdrill toxiproxy`: the embedded Toxiproxy-compatible server, standalone. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isLoopback, newToken } from '../../core/http-guard.ts';
import { ApiError } from '../../proxy/errors.ts';
import { ToxiproxyServer } from '../../proxy/server.ts';
import { InputError } from '../errors.ts';
import { waitForShutdownSignal } from '../lifecycle.ts';
import { parseHost, parsePort } from '../options.ts';

interface ToxiproxyFlags {
  host: string;
  port: number;
  seed?: string;
  config?: string;
  quiet?: boolean;
  token?: string;
}

export function registerToxiproxy(program: Command): void {
  program
    .command('toxiproxy')
    .description('Run the embedded Toxiproxy-compatible fault proxy server (Toxiproxy 2.12 REST API)')
    .option('--host <host>', 'address the API listens on', parseHost, '127.0.0.1')
    .option('--port <port>', 'API port (0 = any free port)', parsePort, 8474)
    .option('--seed <seed>', 'seed for jitter, toxicity and slicer draws (reproducible runs)')
    .option('--config <file>', 'JSON file of proxies to create at start (same format as POST /populate)')
    .option('--quiet', 'do not log API requests')
    .option('--token <token>', 'token clients must send (generated when --host is not loopback)')
    .action(async (flags: ToxiproxyFlags) => {
      const token = flags.token ?? (isLoopback(flags.host) ? undefined : newToken());
      const server = ToxiproxyServer.create({
        seed: flags.seed,
        log: !flags.quiet,
        host: flags.host,
        ...(token ? { token } : {}),
      });
      try {
        if (flags.config) await populateFromFile(server, flags.config);
        await server.listen(flags.port);
      } catch (err) {
        await server.close();
        if (err instanceof InputError) throw err;
        throw new InputError(
          `cannot start the fault proxy API on ${flags.host}:${flags.port}: ${(err as Error).message}`,
        );
      }
      process.stdout.write(`streamdrill toxiproxy ${server.url} (seed ${server.seed}); Ctrl-C to stop\n`);
      if (token)
        process.stdout.write(
          `clients must send Authorization: Bearer ${token} (streamdrill: TOXIPROXY_TOKEN=${token})\n`,
        );
      await waitForShutdownSignal();
      await server.close();
      process.stdout.write('fault proxy stopped; every proxy and connection closed\n');
    });
}

async function populateFromFile(server: ToxiproxyServer, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(
      `${file}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  try {
    await server.collection.populate(data);
  } catch (err) {
    if (err instanceof ApiError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}
