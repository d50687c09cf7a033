/** Real loopback peers for tests: an echo server, an HTTP server and a timed echo client. */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Peer {
  port: number;
  close(): Promise<void>;
}

export async function echoServer(): Promise<Peer & { received: () => number }> {
  let received = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('data', (d) => {
      received += d.length;
      s.write(d);
    });
    s.on('end', () => s.end());
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** An HTTP server that answers every request with `bodyBytes` bytes. */
export async function httpServer(bodyBytes: number): Promise<Peer> {
  const body = Buffer.alloc(bodyBytes, 0x62);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A connected client that measures echo round trips on one connection. */
export class EchoClient {
  private pending: ((data: Buffer) => void) | undefined;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      const p = this.pending;
      this.pending = undefined;
      p?.(d);
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<EchoClient> {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new EchoClient(socket);
  }

  /** Sends a small message and resolves with the ms until the echo's first bytes arrive. */
  rtt(message = 'ping', timeoutMs = 5000): Promise<number> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`no echo within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = () => {
        clearTimeout(timer);
        resolve(performance.now() - start);
      };
      this.socket.write(message);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export function portOf(listen: string): number {
  return Number(listen.split(':').pop());
}

/**
 * One HTTP/1.1 request written byte for byte on a raw socket (no URL normalisation, any request
 * target and Host), for tests of what a server does with odd targets. Resolves to the status and body.
 */
export function rawHttp(
  url: string,
  requestLine: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const head = { host: u.host, connection: 'close', ...headers } as Record<string, string>;
  if (body) head['content-length'] = String(Buffer.byteLength(body));
  const text = `${requestLine}\r\n${Object.entries(head)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    // Written, not ended: the server closes after its answer (connection: close).
    const s = net.connect(Number(u.port), u.hostname, () => s.write(text));
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      data += c;
    });
    s.on('error', reject);
    s.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}
