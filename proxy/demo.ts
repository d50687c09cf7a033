/**
 * The fault-proxy demo: a toxiproxy-node-client program (through FaultProxy) creates a proxy in
 * front of a small HTTP origin, adds each toxic in turn and measures what a client sees.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultProxy, type ToxicSettings } from './client.ts';
import { type ProbeResult, probe } from './probe.ts';

export interface DemoRow {
  id: string;
  fault: string;
  expect: string;
  result: ProbeResult;
}

/** Payload the origin serves: 256 KB, roughly one low-bitrate video segment. */
export const DEMO_BODY_BYTES = 256 * 1000;

interface DemoCase {
  id: string;
  fault: string;
  expect: string;
  toxic?: ToxicSettings;
  disable?: boolean;
}

const CASES: DemoCase[] = [
  { id: 'none', fault: 'none', expect: 'baseline' },
  {
    id: 'latency',
    fault: 'latency 200±50 ms',
    expect: 'first byte ~150-250 ms later',
    toxic: { type: 'latency', attributes: { latency: 200, jitter: 50 } },
  },
  {
    id: 'latency-spared',
    fault: 'latency, toxicity 0',
    expect: 'no effect (spared by the draw)',
    toxic: { type: 'latency', toxicity: 0, attributes: { latency: 500 } },
  },
  {
    id: 'bandwidth',
    fault: 'bandwidth 500 KB/s',
    expect: '256 KB takes ~0.5 s',
    toxic: { type: 'bandwidth', attributes: { rate: 500 } },
  },
  {
    id: 'slow_close',
    fault: 'slow_close 400 ms',
    expect: 'close ~400 ms after the data',
    toxic: { type: 'slow_close', attributes: { delay: 400 } },
  },
  {
    id: 'timeout',
    fault: 'timeout 600 ms (upstream)',
    expect: 'no bytes, closed after ~600 ms',
    toxic: { type: 'timeout', stream: 'upstream', attributes: { timeout: 600 } },
  },
  {
    id: 'reset_peer',
    fault: 'reset_peer',
    expect: 'ECONNRESET',
    toxic: { type: 'reset_peer', attributes: { timeout: 0 } },
  },
  {
    id: 'slicer',
    fault: 'slicer 1 KB ±200 B, 1 ms apart',
    expect: 'hundreds of small reads',
    toxic: { type: 'slicer', attributes: { average_size: 1000, size_variation: 200, delay: 1000 } },
  },
  {
    id: 'limit_data',
    fault: 'limit_data 10000 B',
    expect: 'exactly 10000 bytes, then closed',
    toxic: { type: 'limit_data', attributes: { bytes: 10000 } },
  },
  { id: 'down', fault: 'proxy disabled (down)', expect: 'ECONNREFUSED', disable: true },
];

export async function runProxyDemo(
  options: { url?: string; seed?: string | number } = {},
): Promise<{ rows: DemoRow[]; url: string; embedded: boolean }> {
  const body = Buffer.alloc(DEMO_BODY_BYTES, 0x61);
  const origin = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  const originPort = (origin.address() as AddressInfo).port;
  const faults = await FaultProxy.connect(options);
  const rows: DemoRow[] = [];
  try {
    const [proxy] = await faults.ensureProxies([
      { name: 'demo-origin', upstream: `127.0.0.1:${originPort}` },
    ]);
    const port = Number(proxy!.listen.split(':').pop());
    for (const c of CASES) {
      if (c.toxic) await faults.addToxic('demo-origin', { ...c.toxic, name: 'demo' });
      if (c.disable) await faults.setEnabled('demo-origin', false);
      rows.push({
        id: c.id,
        fault: c.fault,
        expect: c.expect,
        result: await probe(port, '/segment.m4s', { timeoutMs: 5000 }),
      });
      if (c.toxic) await faults.removeToxic('demo-origin', 'demo');
      if (c.disable) await faults.setEnabled('demo-origin', true);
    }
    await faults.removeProxy('demo-origin');
    return { rows, url: faults.url, embedded: faults.isEmbedded };
  } finally {
    await faults.close();
    await new Promise<void>((r) => origin.close(() => r()));
  }
}
