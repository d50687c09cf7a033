/**
 * Support for the fault modules' tests (faults/**\/*.test.ts): the default stack's targets, a fault
 * placed as the registries place it, and recorders for what a module contributes to the population
 * model (`ModelTier`, `ModelLink`) and does to the fault proxy (`LinkProxy`).
 */
import type {
  FaultLocation,
  HttpFaultModule,
  LinkProxy,
  ModelLink,
  ModelTier,
  PlacedHttpFault,
  PlacedTcpFault,
  TcpFaultModule,
} from '../../faults/fault.ts';
import { FAULTS, locate, paramNames } from '../../faults/index.ts';
import { planTcpFault } from '../../faults/tcp.ts';
import { faultTargets } from '../../origin-stub/targets.ts';
import { resolveTopology } from '../../origin-stub/topology.ts';
import type { ToxicSettings } from '../../proxy/client.ts';

/** The default topology's targets (two CDNs, EMEA and NA, the stub's media). */
export const TARGETS = faultTargets(resolveTopology({}));

/** An HTTP fault as the registry holds it: its module's schema applied, an id and a time. */
export function placeHttp(
  m: HttpFaultModule,
  input: Record<string, unknown>,
  addedAtMs = 0,
): PlacedHttpFault {
  return { ...(m.schema.parse({ type: m.type, ...input }) as object), id: 'f', addedAtMs } as PlacedHttpFault;
}

/** A TCP fault planned on the default stack's links. */
export function placeTcp(input: Record<string, unknown>): PlacedTcpFault {
  return planTcpFault(
    input,
    TARGETS.links,
    0,
    () => 't',
    () => false,
  );
}

/** What a module's `tier` contributes, call by call. */
export function tierCalls(m: HttpFaultModule, f: PlacedHttpFault, manifest: boolean): string[] {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    (...args: number[]) =>
      calls.push(`${name}(${args.join(', ')})`);
  const tier: ModelTier = {
    status: rec('status'),
    delay: rec('delay'),
    hang: rec('hang'),
    malformed: rec('malformed'),
    forceMiss: rec('forceMiss'),
    uncacheable: rec('uncacheable'),
  };
  m.tier?.(f, tier, manifest);
  return calls;
}

/** What a TCP module's `link` contributes to a model link, call by call. */
export function linkCalls(m: TcpFaultModule, f: PlacedTcpFault): string[] {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    (...args: number[]) =>
      calls.push(`${name}(${args.join(', ')})`);
  const link: ModelLink = {
    down: rec('down'),
    latency: rec('latency'),
    capBps: rec('capBps'),
    timeout: rec('timeout'),
    reset: rec('reset'),
    limit: rec('limit'),
    slice: rec('slice'),
  };
  m.link(f, link);
  return calls;
}

/** A fault proxy that records what a TCP module asks of it. */
export class RecordingProxy implements LinkProxy {
  readonly calls: string[] = [];
  async addToxic(link: string, toxic: ToxicSettings): Promise<Required<ToxicSettings>> {
    this.calls.push(`+${toxic.type} ${toxic.name} on ${link} ${JSON.stringify(toxic.attributes)}`);
    return {
      name: '',
      stream: 'downstream',
      toxicity: 1,
      attributes: {},
      ...toxic,
    } as Required<ToxicSettings>;
  }
  async removeToxic(link: string, name: string) {
    this.calls.push(`-${name} on ${link}`);
  }
  async setEnabled(link: string, enabled: boolean) {
    this.calls.push(`${enabled ? 'enable' : 'disable'} ${link}`);
  }
}

/** Where an HTTP fault with this input lives in the default stack. */
export function whereHttp(input: Record<string, unknown>): FaultLocation[] {
  return locate({ layer: 'http', input: input as never }, TARGETS);
}

/** Where a TCP fault with this input lives in the default stack. */
export function whereTcp(input: Record<string, unknown>): FaultLocation[] {
  return locate({ layer: 'tcp', input: input as never }, TARGETS);
}

/** docs/stack.md's fault table, as the registry writes it. */
export function faultTable(): string {
  const rows = FAULTS.map((m) => {
    const params = paramNames(m.type);
    const layer = m.layer === 'change' ? 'change' : m.layer.toUpperCase();
    return `| \`${m.type}\` | ${layer} | ${params.join(', ') || '-'} | ${m.description} | ${m.modelled} |`;
  });
  return [
    '| fault | layer | parameters | what it does | in the population model |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
