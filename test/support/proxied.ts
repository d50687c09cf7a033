/**
 * A fault proxy with two proxies for toxic tests: `echo` in front of a TCP echo server and `http`
 * in front of an HTTP server answering `httpBytes` bytes. Everything on 127.0.0.1, torn down by close().
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ToxicSettings } from '../../proxy/client.ts';
import { ToxiproxyServer } from '../../proxy/server.ts';
import { echoServer, httpServer, portOf } from './net.ts';

export interface Proxied {
  server: ToxiproxyServer;
  client: Toxiproxy;
  echoPort: number;
  httpPort: number;
  echoReceived(): number;
  addToxic(proxy: 'echo' | 'http', toxic: ToxicSettings & { name?: string }): Promise<void>;
  removeToxic(proxy: 'echo' | 'http', name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startProxied(
  opts: { seed?: string | number; httpBytes?: number } = {},
): Promise<Proxied> {
  const echo = await echoServer();
  const http = await httpServer(opts.httpBytes ?? 100_000);
  const server = await ToxiproxyServer.start({
    host: '127.0.0.1',
    port: 0,
    seed: opts.seed ?? 'toxic-tests',
  });
  const client = new Toxiproxy(server.url);
  const proxies = await client.populate([
    { name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
    { name: 'http', listen: '127.0.0.1:0', upstream: `127.0.0.1:${http.port}` },
  ]);
  return {
    server,
    client,
    echoPort: portOf(proxies.echo!.listen),
    httpPort: portOf(proxies.http!.listen),
    echoReceived: echo.received,
    async addToxic(proxy, toxic) {
      const p = await client.get(proxy);
      const stream = toxic.stream ?? 'downstream';
      await p.addToxic({
        name: toxic.name ?? `${toxic.type}_${stream}`,
        type: toxic.type,
        stream,
        toxicity: toxic.toxicity ?? 1,
        attributes: toxic.attributes ?? {},
      } as never);
    },
    async removeToxic(proxy, name) {
      const p = await client.get(proxy);
      await (await p.getToxic(name)).remove();
    },
    async close() {
      await server.close();
      await echo.close();
      await http.close();
    },
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
