/**
 * Prometheus `/metrics` for the stack: the server side of the seven war-room dashboards. Counters
 * and gauges are read from the components at scrape time; request latencies are real histograms
 * (observations as requests are answered, `latency.ts`). Base units (seconds), as promtool asks.
 */
import { Registry } from 'prom-client';
import { counterFrom, gaugeFrom, type Sample } from '../../core/prom.ts';
import type { TcpFaults } from '../control/tcp-faults.ts';
import type { StackParts } from '../parts.ts';
import type { StackLatency } from './latency.ts';
import type { ManifestMonitor } from './manifest-monitor.ts';
import type { StackObserver } from './state.ts';

export function createStackMetrics(
  stack: StackParts,
  observer: StackObserver,
  monitor: ManifestMonitor,
  tcp: TcpFaults,
  latency: StackLatency,
): Registry {
  const r = new Registry();
  const origins = () =>
    (['origin', 'backup-origin'] as const).map((name) => ({ name, s: stack.monitors[name].snapshot() }));
  const kinds = ['manifest', 'init', 'segment', 'other'] as const;

  // 1. Origin health
  counterFrom(
    r,
    'streamdrill_origin_requests_total',
    'Origin requests by object kind',
    ['origin', 'kind'],
    () =>
      origins().flatMap(({ name, s }) =>
        kinds.map((k): Sample => [{ origin: name, kind: k }, s.byKind[k].requests]),
      ),
  );
  counterFrom(
    r,
    'streamdrill_origin_5xx_total',
    'Origin 5xx responses by object kind',
    ['origin', 'kind'],
    () =>
      origins().flatMap(({ name, s }) =>
        kinds.map((k): Sample => [{ origin: name, kind: k }, s.byKind[k].errors5xx]),
      ),
  );
  r.registerMetric(latency.segment);
  gaugeFrom(r, 'streamdrill_origin_pulls_in_flight', 'Origin requests being served now', ['origin'], () =>
    origins().map(({ name, s }) => [{ origin: name }, s.inFlight]),
  );
  gaugeFrom(r, 'streamdrill_origin_pulls_queued', 'Origin requests waiting for capacity', ['origin'], () =>
    origins().map(({ name, s }) => [{ origin: name }, s.queued]),
  );
  gaugeFrom(r, 'streamdrill_origin_active', '1 for the origin shields pull from', ['origin'], () => [
    [{ origin: 'origin' }, stack.levers.origin === 'primary' ? 1 : 0],
    [{ origin: 'backup-origin' }, stack.levers.origin === 'backup' ? 1 : 0],
  ]);

  // 2. Packager health (and manifest age for origin health)
  const packager = () =>
    observer.packager(stack.clock.now()) as {
      channel: string;
      variant: string;
      manifestAgeSeconds: number;
      gapsInWindow: number;
      avDriftMs: number;
    }[];
  gaugeFrom(
    r,
    'streamdrill_manifest_age_seconds',
    'Seconds since the newest segment in the live manifest ended',
    ['channel', 'variant'],
    () => packager().map((p) => [{ channel: p.channel, variant: p.variant }, p.manifestAgeSeconds]),
  );
  gaugeFrom(
    r,
    'streamdrill_packager_gaps_in_window',
    'Missing segments in the live window',
    ['channel', 'variant'],
    () => packager().map((p) => [{ channel: p.channel, variant: p.variant }, p.gapsInWindow]),
  );
  gaugeFrom(
    r,
    'streamdrill_packager_av_drift_seconds',
    'Audio timestamps ahead of video, seconds',
    ['channel', 'variant'],
    () => packager().map((p) => [{ channel: p.channel, variant: p.variant }, p.avDriftMs / 1000]),
  );

  // 3. CDN edge health per POP
  const popLabels = ['cdn', 'pop', 'region', 'tier'];
  const pops = (read: (s: ReturnType<StackParts['pops'][number]['stats']>) => number) => (): Sample[] =>
    stack.pops.map((p) => [{ cdn: p.cdn, pop: p.name, region: p.region, tier: p.tier }, read(p.stats())]);
  counterFrom(
    r,
    'streamdrill_pop_requests_total',
    'Requests served by a POP',
    popLabels,
    pops((s) => s.requests),
  );
  counterFrom(
    r,
    'streamdrill_pop_cache_hits_total',
    'Cache hits at a POP',
    popLabels,
    pops((s) => s.hits),
  );
  counterFrom(
    r,
    'streamdrill_pop_cache_misses_total',
    'Cache misses at a POP',
    popLabels,
    pops((s) => s.misses),
  );
  counterFrom(
    r,
    'streamdrill_pop_parent_requests_total',
    'Requests to the parent tier (origin pulls for shields)',
    popLabels,
    pops((s) => s.parentRequests),
  );
  counterFrom(
    r,
    'streamdrill_pop_5xx_total',
    '5xx responses from a POP',
    popLabels,
    pops((s) => s.responses['5xx']),
  );
  counterFrom(
    r,
    'streamdrill_pop_cmcd_starvation_total',
    'CMCD buffer-starvation signals (bs) seen at a POP',
    popLabels,
    pops((s) => s.cmcd.starvation),
  );
  gaugeFrom(
    r,
    'streamdrill_pop_cmcd_sessions',
    'CMCD sessions seen at a POP in the last 30 s',
    popLabels,
    pops((s) => s.cmcd.activeSessions),
  );
  gaugeFrom(r, 'streamdrill_pop_miss_ratio_30s', 'Cache miss ratio over the last 30 s', popLabels, () =>
    stack.pops.map((p) => [
      { cdn: p.cdn, pop: p.name, region: p.region, tier: p.tier },
      observer.recent(p.cdn, p.name).missRatio,
    ]),
  );

  // 4. Manifest validity
  gaugeFrom(
    r,
    'streamdrill_manifest_check_ok',
    '1 when the manifest parses, advances and its newest segment is reachable',
    ['channel', 'cdn', 'protocol'],
    () =>
      monitor
        .latest()
        .map((c) => [
          { channel: c.channel, cdn: c.cdn, protocol: c.protocol },
          c.parses && c.advancing !== false && c.segmentReachable !== false ? 1 : 0,
        ]),
  );

  // 5. DRM licence server
  const drm = () => Object.entries(stack.licenceStats());
  counterFrom(r, 'streamdrill_drm_licences_total', 'Licences issued, by DRM label', ['drm'], () =>
    drm().map(([l, s]) => [{ drm: l }, s.issued]),
  );
  counterFrom(
    r,
    'streamdrill_drm_errors_total',
    'Licence requests answered with an error, by DRM label',
    ['drm'],
    () => drm().map(([l, s]) => [{ drm: l }, s.errors]),
  );
  r.registerMetric(latency.licence);

  // Steering, deploys, flags, faults
  gaugeFrom(
    r,
    'streamdrill_steering_rank',
    'Pathway rank per region (1 = preferred)',
    ['region', 'cdn'],
    () =>
      stack.steering
        .regions()
        .flatMap((region) =>
          stack.steering.priority(region).map((cdn, i): Sample => [{ region, cdn }, i + 1]),
        ),
  );
  gaugeFrom(r, 'streamdrill_deploy_info', 'Live version per component', ['component', 'version'], () =>
    Object.entries(stack.deploys.versions()).map(([component, version]) => [{ component, version }, 1]),
  );
  gaugeFrom(r, 'streamdrill_feature_flag_enabled', '1 when a feature flag is on', ['flag'], () => [
    [{ flag: 'ad-pod' }, stack.flags.adPod.enabled ? 1 : 0],
  ]);
  gaugeFrom(r, 'streamdrill_faults_active', 'Faults in force, by layer and type', ['layer', 'type'], () => {
    const counts = new Map<string, number>();
    for (const f of stack.faults.list())
      counts.set(`http|${f.type}`, (counts.get(`http|${f.type}`) ?? 0) + 1);
    for (const f of tcp.list()) counts.set(`tcp|${f.type}`, (counts.get(`tcp|${f.type}`) ?? 0) + 1);
    return [...counts].map(([k, v]) => {
      const [layer, type] = k.split('|') as [string, string];
      return [{ layer, type }, v];
    });
  });
  return r;
}
