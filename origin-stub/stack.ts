/**
 * The stub streaming stack, assembled: live origin with a hot-standby backup on the same timeline,
 * ClearKey licence server, content steering, playback entry point, two CDNs with edge POPs per
 * region and a shield tier, and a Toxiproxy-style fault proxy on every link. HTTP faults go
 * through one fault registry, TCP faults through the fault proxy, mitigations through the levers.
 *
 * Links (fault proxy names):
 *   viewer.<cdn>.<pop>.<isp>      viewer on an ISP → edge POP
 *   edge.<cdn>.<pop>              edge POP → its CDN's shield for the region
 *   shield.<cdn>.<region>.origin  shield → primary origin      (…backup → backup origin)
 *   viewer.licence / viewer.steering / viewer.entry
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.ts';
import { RealClock } from '../core/clock.ts';
import { installHttpGuard, isLoopback, newToken } from '../core/http-guard.ts';
import { FaultRegistry } from '../faults/registry.ts';
import type { Component } from '../faults/types.ts';
import { FaultProxy } from '../proxy/client.ts';
import { capacityPlugin, createCapacityGate } from './cdn/capacity.ts';
import { type Pop, startPop } from './cdn/pop.ts';
import { controlApi } from './control/api.ts';
import { DeployRegistry } from './control/deploys.ts';
import { FeatureFlags } from './control/flags.ts';
import { Levers } from './control/levers.ts';
import { TcpFaults } from './control/tcp-faults.ts';
import { createClearKeyServer } from './drm/clearkey-server.ts';
import { factsFromPath } from './faults/facts.ts';
import { installFaultHook } from './faults/http-hook.ts';
import { loadAllMedia } from './media/load-media.ts';
import { StackLatency } from './observability/latency.ts';
import { ManifestMonitor, type ManifestTarget } from './observability/manifest-monitor.ts';
import { createStackMetrics } from './observability/metrics.ts';
import { OriginMonitor } from './observability/origin-monitor.ts';
import { StackObserver } from './observability/state.ts';
import { prepareLiveChannels } from './packager/channels.ts';
import { createLiveOrigin, type LiveOrigin } from './packager/origin.ts';
import type { LiveTiming } from './packager/timeline.ts';
import type { LinkInfo, StackParts } from './parts.ts';
import { EntryPoint } from './playback/entry.ts';
import { playerPagePlugin } from './playback/page.ts';
import { SteeringService } from './steering/server.ts';
import { faultTargets, shieldName } from './targets.ts';
import { defaultPriority, resolveTopology, type Topology, type TopologyInput } from './topology.ts';

export interface StackOptions {
  clock?: Clock;
  seed?: string | number;
  topology?: TopologyInput;
  host?: string;
  /** When set, the user-facing servers and every fault proxy listen on ports from here upwards. */
  portBase?: number;
  /** A fault proxy to use; default: FaultProxy.connect() (embedded, or TOXIPROXY_URL). */
  faultProxy?: FaultProxy;
  /** Window of the live playlists, in segments. */
  windowSegments?: number;
  /** Manifest monitor poll interval (ms); 0 turns the monitor off. Default 4000. */
  manifestMonitorMs?: number;
  /**
   * Token the control API (faults, levers, deploys) requires. Generated when the stack binds beyond
   * loopback and none is given: anyone who reaches it could otherwise inject faults.
   */
  controlToken?: string;
  /**
   * Directory of the built player page (`ensurePageBuilt()` of `player-harness/build.ts`): the
   * entry point then serves it at `/player/` (standalone playback, `streamdrill stack up`).
   */
  playerPage?: string;
}

export type { LinkInfo } from './parts.ts';

export interface StackServers {
  control: string;
  entry: string;
  steering: string;
  licence: string;
  origin: string;
  backupOrigin: string;
}

export class Stack implements StackParts {
  readonly links = new Map<string, LinkInfo>();
  readonly pops: Pop[] = [];
  readonly servers: Record<string, FastifyInstance> = {};
  readonly urls = {} as StackServers;
  readonly monitors: Record<'origin' | 'backup-origin', OriginMonitor>;
  readonly tcp: TcpFaults;
  readonly manifestMonitor: ManifestMonitor;
  readonly observer: StackObserver;
  /** The control API's token (undefined on loopback unless one was given). */
  controlToken: string | undefined;
  /** Request-latency histograms (segments, licences) for the control API's /metrics. */
  readonly latency = new StackLatency();
  private closed = false;

  private constructor(
    readonly clock: Clock,
    readonly topology: Topology,
    readonly faults: FaultRegistry,
    readonly faultProxy: FaultProxy,
    readonly steering: SteeringService,
    readonly deploys: DeployRegistry,
    readonly flags: FeatureFlags,
    readonly levers: Levers,
    readonly entry: EntryPoint,
    readonly timing: LiveTiming,
    readonly licenceStats: () => ReturnType<ReturnType<typeof createClearKeyServer>['stats']>,
    readonly host: string,
    private readonly ownsFaultProxy: boolean,
  ) {
    this.monitors = {
      origin: new OriginMonitor(clock, (ms) => this.latency.observeSegment('origin', ms)),
      'backup-origin': new OriginMonitor(clock, (ms) => this.latency.observeSegment('backup-origin', ms)),
    };
    this.tcp = new TcpFaults(clock, faultProxy, () => this.links);
    this.manifestMonitor = new ManifestMonitor(clock, () => this.manifestTargets());
    this.observer = new StackObserver(this, this.tcp, this.manifestMonitor);
  }

  /** Every channel through every CDN, one POP per region: HLS media playlist and DASH MPD. */
  manifestTargets(): ManifestTarget[] {
    const targets: ManifestTarget[] = [];
    for (const ch of this.entry.channels()) {
      const video = ch.clear.description.renditions.find((r) => r.kind === 'video')!;
      for (const cdn of this.topology.cdns) {
        for (const r of Object.values(this.topology.regions)) {
          const base = `${this.linkUrl(`viewer.${cdn}.${r.pops[0]}.${r.isps[0]}`)}/live/${ch.name}/clear`;
          targets.push({
            channel: ch.name,
            cdn: `${cdn}/${r.pops[0]}`,
            protocol: 'hls',
            url: `${base}/${video.id}/media.m3u8`,
          });
          targets.push({
            channel: ch.name,
            cdn: `${cdn}/${r.pops[0]}`,
            protocol: 'dash',
            url: `${base}/manifest.mpd`,
          });
        }
      }
    }
    return targets;
  }

  static async start(options: StackOptions = {}): Promise<Stack> {
    const clock = options.clock ?? new RealClock();
    const host = options.host ?? '127.0.0.1';
    const topology = resolveTopology(options.topology);
    const faults = new FaultRegistry(clock, options.seed ?? 'stack', faultTargets(topology));
    const prepared = prepareLiveChannels(loadAllMedia());
    const steering = new SteeringService(
      clock,
      topology.cdns,
      Object.fromEntries(Object.keys(topology.regions).map((r) => [r, defaultPriority(topology, r)])),
      topology.steeringTtlSeconds,
    );
    const deploys = new DeployRegistry(clock, faults);
    const flags = new FeatureFlags(clock);
    const levers = new Levers(clock, steering, deploys, flags);
    const liveOptions = (clockStart: number, component: 'origin' | 'backup-origin') => ({
      clock,
      channels: prepared.channels,
      availabilityStartTimeMs: clockStart,
      windowSegments: options.windowSegments ?? 10,
      faults: (channel: string, variant: string) => faults.channelState(channel, variant, component),
      segmentOverride: flags.segmentOverride,
    });
    // Both origins share one timeline: same availability start, same clock (hot standby).
    const astMs = Math.floor(clock.now() / 1000) * 1000 - 60_000;
    const primary = createLiveOrigin(liveOptions(astMs, 'origin'));
    const backup = createLiveOrigin(liveOptions(astMs, 'backup-origin'));
    const ports = portAllocator(options.portBase);
    const faultProxy =
      options.faultProxy ?? (await FaultProxy.connect({ seed: options.seed, apiPort: ports() }));

    const links = {
      base: (name: string) => {
        const l = stackRef.links.get(name);
        if (!l) throw new Error(`no link ${name}`);
        return `http://${l.listen}`;
      },
    };
    const entry = new EntryPoint({
      clock,
      topology,
      channels: prepared.channels,
      timing: primary.timing,
      faults,
      links: {
        viewerEdge: (cdn, pop, isp) => links.base(`viewer.${cdn}.${pop}.${isp}`),
        steering: () => links.base('viewer.steering'),
        licence: () => links.base('viewer.licence'),
      },
      defaultPathway: (region) => steering.priority(region)[0]!,
      activeOrigin: () => (levers.origin === 'backup' ? 'backup-origin' : 'origin'),
    });
    const licence = createClearKeyServer({
      lookup: (kid) => prepared.keys.get(kid),
      clock,
      beforeIssue: (label) => {
        const e = faults.decide({ component: 'licence', kind: 'licence', drm: label });
        if (e.faultIds.length === 0) return undefined;
        return {
          ...(e.status ? { status: e.status } : {}),
          ...(e.delayMs ? { delayMs: e.delayMs } : {}),
          ...(e.hang ? { hang: true } : {}),
        };
      },
      onLatency: (label, ms) => stackRef.latency.observeLicence(label, ms),
    });
    const stackRef: Stack = new Stack(
      clock,
      topology,
      faults,
      faultProxy,
      steering,
      deploys,
      flags,
      levers,
      entry,
      primary.timing,
      () => licence.stats(),
      host,
      options.faultProxy === undefined,
    );
    const stack = stackRef;
    try {
      const metrics = createStackMetrics(
        stack,
        stack.observer,
        stack.manifestMonitor,
        stack.tcp,
        stack.latency,
      );
      stack.controlToken = options.controlToken ?? (isLoopback(host) ? undefined : newToken());
      stack.urls.control = await stack.startServer('control', ports(), async (app) => {
        installHttpGuard(app, {
          host,
          token: stack.controlToken,
          tokenHint:
            "the stack's control API needs its token: see .streamdrill/stack.json or the token 'stack up' printed",
        });
        await app.register(
          controlApi({
            stack,
            tcp: stack.tcp,
            observer: stack.observer,
            monitor: stack.manifestMonitor,
            metrics,
          }),
        );
      });
      const gate = createCapacityGate({
        clock,
        concurrency: topology.origin.concurrency,
        serviceMs: topology.origin.serviceMs,
      });
      const backupGate = createCapacityGate({
        clock,
        concurrency: topology.origin.concurrency,
        serviceMs: topology.origin.serviceMs,
      });
      stack.urls.origin = await stack.startOrigin('origin', primary, gate, ports());
      stack.urls.backupOrigin = await stack.startOrigin('backup-origin', backup, backupGate, ports());
      stack.urls.licence = await stack.startServer('licence', ports(), async (app) => {
        installFaultHook(app, { clock, faults, facts: () => undefined });
        await app.register(licence.plugin);
      });
      stack.urls.steering = await stack.startServer('steering', ports(), async (app) => {
        installFaultHook(app, {
          clock,
          faults,
          facts: (req) => ({
            component: 'steering',
            kind: 'steering',
            region: (req.query as { region?: string }).region,
          }),
        });
        await app.register(steering.plugin);
      });
      stack.urls.entry = await stack.startServer('entry', ports(), async (app) => {
        await app.register(entry.plugin);
        if (options.playerPage) await app.register(playerPagePlugin(options.playerPage));
      });
      await stack.startCdns();
      await stack.createLinks(ports);
      stack.observer.start();
      if ((options.manifestMonitorMs ?? 4000) > 0) stack.manifestMonitor.start();
      return stack;
    } catch (err) {
      await stack.close();
      throw err;
    }
  }

  /** Base URL of a link as its client reaches it. */
  linkUrl(name: string): string {
    const l = this.links.get(name);
    if (!l) throw new Error(`unknown link ${name}`);
    return `http://${l.listen}`;
  }

  private async startServer(
    name: string,
    port: number,
    setup: (app: FastifyInstance) => Promise<void>,
  ): Promise<string> {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    this.servers[name] = app;
    await setup(app);
    return app.listen({ host: this.host, port });
  }

  private async startOrigin(
    name: 'origin' | 'backup-origin',
    live: LiveOrigin,
    gate: ReturnType<typeof createCapacityGate>,
    port: number,
  ): Promise<string> {
    const monitor = this.monitors[name];
    monitor.gate = gate;
    return this.startServer(name, port, async (app) => {
      installFaultHook(app, {
        clock: this.clock,
        faults: this.faults,
        facts: (req: FastifyRequest) => ({ component: name as Component, ...factsFromPath(req.url) }),
      });
      monitor.instrument(app);
      await app.register(capacityPlugin(gate));
      await app.register(live.plugin);
    });
  }

  private async startCdns(): Promise<void> {
    for (const cdn of this.topology.cdns) {
      for (const [region, r] of Object.entries(this.topology.regions)) {
        const shield = await startPop({
          cdn,
          name: shieldName(region),
          region,
          tier: 'shield',
          clock: this.clock,
          faults: this.faults,
          parent: () =>
            this.linkUrl(`shield.${cdn}.${region}.${this.levers.origin === 'backup' ? 'backup' : 'origin'}`),
          host: this.host,
        });
        this.pops.push(shield);
        for (const popName of r.pops) {
          const edge = await startPop({
            cdn,
            name: popName,
            region,
            tier: 'edge',
            clock: this.clock,
            faults: this.faults,
            parent: () => this.linkUrl(`edge.${cdn}.${popName}`),
            isps: r.isps,
            host: this.host,
          });
          this.pops.push(edge);
        }
      }
    }
  }

  private async createLinks(ports: () => number): Promise<void> {
    const wanted: Omit<LinkInfo, 'listen'>[] = [];
    const hostPort = (url: string) => new URL(url).host;
    for (const pop of this.pops) {
      if (pop.tier === 'edge') {
        for (const [isp] of pop.ports) {
          wanted.push({
            name: `viewer.${pop.cdn}.${pop.name}.${isp}`,
            upstream: hostPort(pop.url(isp)),
            from: `viewers on ${isp}`,
            to: `${pop.cdn}/${pop.name}`,
            labels: { link: 'viewer-edge', cdn: pop.cdn, pop: pop.name, region: pop.region, isp },
          });
        }
        const shield = this.pops.find(
          (p) => p.tier === 'shield' && p.cdn === pop.cdn && p.region === pop.region,
        )!;
        wanted.push({
          name: `edge.${pop.cdn}.${pop.name}`,
          upstream: hostPort(shield.url()),
          from: `${pop.cdn}/${pop.name}`,
          to: `${pop.cdn}/${shield.name}`,
          labels: { link: 'edge-shield', cdn: pop.cdn, pop: pop.name, region: pop.region },
        });
      } else {
        for (const [suffix, url, to] of [
          ['origin', this.urls.origin, 'origin'],
          ['backup', this.urls.backupOrigin, 'backup-origin'],
        ] as const) {
          wanted.push({
            name: `shield.${pop.cdn}.${pop.region}.${suffix}`,
            upstream: hostPort(url),
            from: `${pop.cdn}/${pop.name}`,
            to,
            labels: { link: 'shield-origin', cdn: pop.cdn, region: pop.region, origin: to },
          });
        }
      }
    }
    for (const name of ['licence', 'steering', 'entry'] as const) {
      wanted.push({
        name: `viewer.${name}`,
        upstream: hostPort(this.urls[name]),
        from: 'viewers',
        to: name,
        labels: { link: `viewer-${name}` },
      });
    }
    const created = await this.faultProxy.ensureProxies(
      wanted.map((w) => ({ name: w.name, upstream: w.upstream, listen: `${this.host}:${ports()}` })),
    );
    for (const [i, p] of created.entries()) this.links.set(p.name, { ...wanted[i]!, listen: p.listen });
  }

  /** Removes every injected HTTP and TCP fault (a bad deploy's defect stays until rolled back). */
  async clearFaults(): Promise<void> {
    for (const f of this.faults.list()) if (!f.id.startsWith('deploy:')) this.faults.remove(f.id);
    await this.tcp.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.manifestMonitor.stop();
    this.observer.stop();
    await this.tcp.clear().catch(() => {});
    // Links are removed from a shared or external Toxiproxy; an embedded one we started is closed whole.
    if (this.ownsFaultProxy && this.faultProxy.isEmbedded) {
      await this.faultProxy.close().catch(() => {});
    } else {
      for (const n of this.links.keys()) await this.faultProxy.removeProxy(n).catch(() => {});
      if (this.ownsFaultProxy) await this.faultProxy.close().catch(() => {});
    }
    await Promise.all(this.pops.map((p) => p.close().catch(() => {})));
    await Promise.all(Object.values(this.servers).map((s) => s.close().catch(() => {})));
  }
}

export class PortRangeError extends Error {}

/** Hands out ports from `base` upwards, or 0 (ephemeral) when no base is set. */
function portAllocator(base: number | undefined): () => number {
  let next = base ?? 0;
  return () => {
    if (base === undefined) return 0;
    if (next > 65535)
      throw new PortRangeError(
        `--port-base ${base}: the stack needs more ports than there are from ${base} to 65535 (it uses ${next - base} and more); choose a lower base, e.g. 20000`,
      );
    return next++;
  };
}
