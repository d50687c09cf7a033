/**
 * A raw HTTP/1.1 probe over one TCP connection: what a toxic does to a request is visible in when
 * bytes arrive, how many reads it takes, how the connection ends. Used by the demo and the tests.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ProbeResult {
  /** ms from connect to the first response byte (undefined if none arrived). */
  firstByteMs?: number;
  /** ms from connect until the connection ended (FIN, RST or refusal). */
  totalMs: number;
  bytes: number;
  chunks: number;
  /** How the connection ended: `end` (FIN), or the socket error code (ECONNRESET, ECONNREFUSED...). */
  ending: string;
}

export function probe(
  port: number,
  path = '/',
  opts: { host?: string; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const start = performance.now();
    const result: ProbeResult = { totalMs: 0, bytes: 0, chunks: 0, ending: 'end' };
    const sock = net.connect({ host, port });
    let done = false;
    const finish = (ending: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      result.ending = result.ending === 'end' ? ending : result.ending;
      result.totalMs = performance.now() - start;
      sock.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish('still-open'), opts.timeoutMs ?? 10_000);
    sock.on('connect', () =>
      sock.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    sock.on('data', (chunk) => {
      if (result.firstByteMs === undefined) result.firstByteMs = performance.now() - start;
      result.bytes += chunk.length;
      result.chunks++;
    });
    sock.on('end', () => finish('end'));
    sock.on('close', () => finish('end'));
    sock.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
  });
}
