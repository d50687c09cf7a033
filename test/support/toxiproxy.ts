/** Starts an embedded fault proxy server for a test and gives a toxiproxy-node-client on it. */
import { Toxiproxy } from 'toxiproxy-node-client';
import { ToxiproxyServer } from '../../proxy/server.ts';

export async function startToxiproxy(seed: string | number = 'test-seed'): Promise<{
  server: ToxiproxyServer;
  client: Toxiproxy;
  url: string;
}> {
  const server = await ToxiproxyServer.start({ host: '127.0.0.1', port: 0, seed });
  return { server, client: new Toxiproxy(server.url), url: server.url };
}
