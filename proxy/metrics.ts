/**
 * Prometheus exposition for the fault proxy: Toxiproxy's byte counters (same names and labels)
 * plus what Toxiproxy lacks: connections, upstream errors and the toxics active right now.
 */
import { Registry } from 'prom-client';
import { counterFrom, gaugeFrom, type Sample } from '../core/prom.ts';
import type { ProxyCollection } from './collection.ts';

export function createProxyMetrics(collection: ProxyCollection): Registry {
  const registry = new Registry();
  const proxies = () => [...collection.proxies.values()];
  const bytes = (side: 'received' | 'sent') => (): Sample[] =>
    proxies().flatMap((p) =>
      (['upstream', 'downstream'] as const).map(
        (direction): Sample => [
          { direction, listener: p.listen, proxy: p.name, upstream: p.upstream },
          p.stats.bytes[direction][side],
        ],
      ),
    );
  const byteLabels = ['direction', 'listener', 'proxy', 'upstream'];
  counterFrom(
    registry,
    'toxiproxy_proxy_received_bytes_total',
    'Bytes read from the source side of each link, by proxy and direction',
    byteLabels,
    bytes('received'),
  );
  counterFrom(
    registry,
    'toxiproxy_proxy_sent_bytes_total',
    'Bytes written to the destination side of each link, by proxy and direction',
    byteLabels,
    bytes('sent'),
  );
  counterFrom(
    registry,
    'streamdrill_proxy_connections_total',
    'Client connections accepted, by proxy',
    ['proxy'],
    () => proxies().map((p) => [{ proxy: p.name }, p.stats.connectionsTotal]),
  );
  counterFrom(
    registry,
    'streamdrill_proxy_upstream_errors_total',
    'Connections closed because the upstream refused or could not be reached, by proxy',
    ['proxy'],
    () => proxies().map((p) => [{ proxy: p.name }, p.stats.upstreamErrors]),
  );
  gaugeFrom(
    registry,
    'streamdrill_proxy_active_connections',
    'Connections open now, by proxy',
    ['proxy'],
    () => proxies().map((p) => [{ proxy: p.name }, p.activeConnections]),
  );
  gaugeFrom(
    registry,
    'streamdrill_proxy_enabled',
    '1 when the proxy listens, 0 when disabled',
    ['proxy'],
    () => proxies().map((p) => [{ proxy: p.name }, p.enabled ? 1 : 0]),
  );
  gaugeFrom(
    registry,
    'streamdrill_proxy_active_toxics',
    'Toxics configured now, by proxy, type and stream',
    ['proxy', 'type', 'stream', 'toxic'],
    () =>
      proxies().flatMap((p) =>
        p.toxics.map(
          (t): Sample => [{ proxy: p.name, type: t.def.type, stream: t.stream, toxic: t.name }, 1],
        ),
      ),
  );
  return registry;
}
