/**
 * The assembled stack as its control API and observability read it: the components `stack.ts`
 * wires together, without the assembly. (Kept apart from `stack.ts` so that the control and
 * observability modules, which `stack.ts` starts, do not import it back.)
 */
import type { Clock } from '../core/clock.ts';
import type { FaultRegistry } from '../faults/registry.ts';
import type { FaultProxy } from '../proxy/client.ts';
import type { Pop } from './cdn/pop.ts';
import type { DeployRegistry } from './control/deploys.ts';
import type { FeatureFlags } from './control/flags.ts';
import type { Levers } from './control/levers.ts';
import type { LicenceLabelStats } from './drm/clearkey-server.ts';
import type { OriginMonitor } from './observability/origin-monitor.ts';
import type { LiveTiming } from './packager/timeline.ts';
import type { EntryPoint } from './playback/entry.ts';
import type { SteeringService } from './steering/server.ts';
import type { Topology } from './topology.ts';

/** One link of the stack: a fault-proxy listener between two components. */
export interface LinkInfo {
  name: string;
  /** host:port the link listens on. */
  listen: string;
  /** host:port it forwards to. */
  upstream: string;
  from: string;
  to: string;
  labels: Record<string, string>;
}

export interface StackParts {
  readonly clock: Clock;
  readonly topology: Topology;
  readonly faults: FaultRegistry;
  readonly steering: SteeringService;
  readonly deploys: DeployRegistry;
  readonly flags: FeatureFlags;
  readonly levers: Levers;
  readonly links: Map<string, LinkInfo>;
  readonly pops: Pop[];
  readonly monitors: Record<'origin' | 'backup-origin', OriginMonitor>;
  readonly licenceStats: () => Record<string, LicenceLabelStats>;
  readonly faultProxy: FaultProxy;
  readonly entry: EntryPoint;
  readonly timing: LiveTiming;
}
