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
