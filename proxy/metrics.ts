/**
 * Prometheus exposition for the fault proxy: Toxiproxy's byte counters (same names and labels)
 * plus what Toxiproxy lacks: connections, upstream errors and the toxics active right now.
 * Values are read from the proxies' plain counters at scrape time, so the data path never
 * touches a label lookup.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { ProxyCollection } from './collection.ts';

export function createProxyMetrics(collection: ProxyCollection): Registry {
  const registry = new Registry();
  const proxies = () => [...collection.proxies.values()];

  // prom-client counters only go up by inc(); remember what was exported to add the difference.
  const exported = new Map<string, number>();
  const syncCounter = (counter: Counter<string>, labels: Record<string, string>, value: number): void => {
    const key = `${(counter as unknown as { name: string }).name}|${JSON.stringify(labels)}`;
    const last = exported.get(key) ?? 0;
    if (value > last) counter.inc(labels, value - last);
    exported.set(key, Math.max(last, value));
  };

  const byteLabels = ['direction', 'listener', 'proxy', 'upstream'];
  new Counter({
    name: 'toxiproxy_proxy_received_bytes_total',
    help: 'Bytes read from the source side of each link, by proxy and direction',
    labelNames: byteLabels,
    registers: [registry],
    collect() {
      for (const p of proxies()) {
        for (const direction of ['upstream', 'downstream'] as const) {
          const labels = { direction, listener: p.listen, proxy: p.name, upstream: p.upstream };
          syncCounter(this, labels, p.stats.bytes[direction].received);
        }
      }
    },
  });
  new Counter({
    name: 'toxiproxy_proxy_sent_bytes_total',
    help: 'Bytes written to the destination side of each link, by proxy and direction',
    labelNames: byteLabels,
    registers: [registry],
    collect() {
      for (const p of proxies()) {
        for (const direction of ['upstream', 'downstream'] as const) {
          const labels = { direction, listener: p.listen, proxy: p.name, upstream: p.upstream };
          syncCounter(this, labels, p.stats.bytes[direction].sent);
        }
      }
    },
  });
  new Counter({
    name: 'streamdrill_proxy_connections_total',
    help: 'Client connections accepted, by proxy',
    labelNames: ['proxy'],
    registers: [registry],
    collect() {
      for (const p of proxies()) syncCounter(this, { proxy: p.name }, p.stats.connectionsTotal);
    },
  });
  new Counter({
    name: 'streamdrill_proxy_upstream_errors_total',
    help: 'Connections closed because the upstream refused or could not be reached, by proxy',
    labelNames: ['proxy'],
    registers: [registry],
    collect() {
      for (const p of proxies()) syncCounter(this, { proxy: p.name }, p.stats.upstreamErrors);
    },
  });
  new Gauge({
    name: 'streamdrill_proxy_active_connections',
    help: 'Connections open now, by proxy',
    labelNames: ['proxy'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of proxies()) this.set({ proxy: p.name }, p.activeConnections);
    },
  });
  new Gauge({
    name: 'streamdrill_proxy_enabled',
    help: '1 when the proxy listens, 0 when disabled',
    labelNames: ['proxy'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of proxies()) this.set({ proxy: p.name }, p.enabled ? 1 : 0);
    },
  });
  new Gauge({
    name: 'streamdrill_proxy_active_toxics',
    help: 'Toxics configured now, by proxy, type and stream',
    labelNames: ['proxy', 'type', 'stream', 'toxic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of proxies()) {
        for (const t of p.toxics)
          this.set({ proxy: p.name, type: t.def.type, stream: t.stream, toxic: t.name }, 1);
      }
    },
  });
  return registry;
}
