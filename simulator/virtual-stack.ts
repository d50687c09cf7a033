/**
 * The stack in virtual time: the same control surface as the real stub stack (`StackActuator`),
 * with no servers behind it. It reuses the real stack's own control classes — the HTTP fault
 * registry (zod `HttpFaultSchema`), the TCP fault set (`TcpFaultSchema`, link matching), the deploy
 * registry (`KNOWN_DEFECTS`), feature flags, the steering service and the levers (TCP faults: see
 * VirtualTcpFaults) — so it accepts
 * exactly the same inputs, answers with the same errors and records the same lever results. Every
 * method takes effect synchronously, when it is called (the promise it returns is already settled):
 * a timeline on a VirtualClock needs no await between two changes. The population simulator reads its state (via `version` and the accessors) to decide what every
 * model request experiences.
 */
import type { Clock } from '../core/clock.ts';
import type { LeverResult, StackActuator } from '../faults/actuator.ts';
import type { HttpFault, HttpFaultInput, TcpFaultInput } from '../faults/index.ts';
import { FaultRegistry } from '../faults/registry.ts';
import { planTcpFault, type TcpFault } from '../faults/tcp.ts';
import { DeployRegistry } from '../origin-stub/control/deploys.ts';
import { FeatureFlags } from '../origin-stub/control/flags.ts';
import { Levers } from '../origin-stub/control/levers.ts';
import type { LinkInfo } from '../origin-stub/stack.ts';
import { SteeringService } from '../origin-stub/steering/server.ts';
import { faultTargets, topologyLinks } from '../origin-stub/targets.ts';
import { defaultPriority, type Topology } from '../origin-stub/topology.ts';

/** The links of the real stack, by the same names and labels (origin-stub/targets.ts topologyLinks). */
export function virtualLinks(t: Topology): Map<string, LinkInfo> {
  return new Map(
    topologyLinks(t).map(({ name, labels }) => [
      name,
      { name, listen: 'virtual', upstream: 'virtual', from: 'virtual', to: 'virtual', labels },
    ]),
  );
}

/**
 * TCP faults in virtual time: the real `TcpFaults` validation (`TcpFaultSchema`), link matching
 * (`linkMatches`) and errors (`TcpFaultError`), applied synchronously — there is no proxy to wait
 * for, and a virtual-time timeline must see a fault the moment it is added.
 */
export class VirtualTcpFaults {
  private readonly faults = new Map<string, TcpFault>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly links: Map<string, LinkInfo>,
  ) {}

  list(): TcpFault[] {
    return [...this.faults.values()];
  }

  add(input: unknown): TcpFault {
    const fault = planTcpFault(
      input,
      this.links.values(),
      this.clock.now(),
      (type) => `tcp-${type}-${this.nextId++}`,
      (id) => this.faults.has(id),
    );
    this.faults.set(fault.id, fault);
    return fault;
  }

  remove(id: string): TcpFault | undefined {
    const f = this.faults.get(id);
    this.faults.delete(id);
    return f;
  }

  clear(): TcpFault[] {
    const all = this.list();
    this.faults.clear();
    return all;
  }
}

export class VirtualStack implements StackActuator {
  readonly faults: FaultRegistry;
  readonly tcp: VirtualTcpFaults;
  readonly deploys: DeployRegistry;
  readonly flags: FeatureFlags;
  readonly steering: SteeringService;
  readonly levers: Levers;
  readonly links: Map<string, LinkInfo>;
  private changes = 0;

  constructor(
    readonly clock: Clock,
    readonly topology: Topology,
    seed = 'virtual',
  ) {
    this.faults = new FaultRegistry(clock, `virtual|${seed}`, faultTargets(topology));
    this.links = virtualLinks(topology);
    this.tcp = new VirtualTcpFaults(clock, this.links);
    this.deploys = new DeployRegistry(clock, this.faults);
    this.flags = new FeatureFlags(clock);
    const initial = Object.fromEntries(
      Object.keys(topology.regions).map((r) => [r, defaultPriority(topology, r)]),
    );
    this.steering = new SteeringService(clock, topology.cdns, initial, topology.steeringTtlSeconds);
    this.levers = new Levers(clock, this.steering, this.deploys, this.flags);
    const bump = () => {
      this.changes++;
    };
    this.faults.onChange(bump);
    this.deploys.onChange(bump);
    this.flags.onChange(bump);
    this.steering.onChange(bump);
    this.levers.onAction(bump);
  }

  /** Grows on every change of faults, deploys, flags, steering or levers (cheap to poll). */
  get version(): number {
    return this.changes;
  }

  httpFaults(): HttpFault[] {
    return this.faults.list();
  }

  tcpFaults(): TcpFault[] {
    return this.tcp.list();
  }

  /** Which origin the shields pull from. */
  get origin(): 'primary' | 'backup' {
    return this.levers.origin;
  }

  async addHttpFault(input: HttpFaultInput): Promise<string> {
    return this.faults.add(input).id;
  }

  async removeHttpFault(id: string): Promise<void> {
    this.faults.remove(id);
  }

  async addTcpFault(input: TcpFaultInput): Promise<string> {
    const f = this.tcp.add(input);
    this.changes++;
    return f.id;
  }

  async removeTcpFault(id: string): Promise<void> {
    if (this.tcp.remove(id)) this.changes++;
  }

  async pullLever(lever: string, args: Record<string, string>): Promise<LeverResult> {
    const a = this.levers.pull(lever, args);
    return { lever: a.lever, args: a.args, summary: a.summary, undo: a.undo };
  }

  async deploy(component: string, version: string): Promise<void> {
    this.deploys.deploy(component, version);
  }

  async setFlag(flag: string, enabled: boolean, brokenFor?: string[]): Promise<void> {
    this.flags.set(flag, enabled, brokenFor ? { brokenFor } : {});
  }

  /** Every injected HTTP and TCP fault goes; a bad deploy's defect stays until rolled back. */
  async removeAllFaults(): Promise<void> {
    for (const f of this.faults.list()) if (!f.id.startsWith('deploy:')) this.faults.remove(f.id);
    if (this.tcp.clear().length > 0) this.changes++;
  }
}
