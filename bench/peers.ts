/**
 * Upstream peers for the proxy benchmark, in their own process: an echo server (round trips) and
 * a source server that streams `bytes` bytes to whoever connects (throughput). Prints its ports as
 * one JSON line, then serves until killed.
 */
import net, { type AddressInfo } from 'node:net';

const CHUNK = Buffer.alloc(256 * 1024, 0x5a);

const echo = net.createServer({ noDelay: true }, (s) => {
  s.setNoDelay(true);
  s.on('data', (d) => s.write(d));
  s.on('error', () => {});
});

const source = net.createServer((s) => {
  s.on('error', () => {});
  s.once('data', (d) => {
    let left = Number(d.toString().trim());
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!s.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          s.once('drain', pump);
          return;
        }
      }
      s.end();
    };
    pump();
  });
});

await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
await new Promise<void>((r) => source.listen(0, '127.0.0.1', r));
process.stdout.write(
  `${JSON.stringify({ echo: (echo.address() as AddressInfo).port, source: (source.address() as AddressInfo).port })}\n`,
);
