/**
 * TCP faults on the stack's links, through the fault proxy: a toxic (latency, bandwidth, timeout,
 * reset_peer, slicer, limit_data, slow_close) or `down`, applied to every link whose labels match.
 * One fault may span many links (e.g. latency on every viewer link of one ISP in EMEA). How a fault
 * goes on and comes off a link is its module's (faults/tcp/*.ts `apply`, `undo`).
 */
import type { Clock } from '../../core/clock.ts';
import { tcpFaultModule } from '../../faults/index.ts';
import { type FaultLink, planTcpFault, type TcpFault, TcpFaultError } from '../../faults/tcp.ts';
import type { FaultProxy } from '../../proxy/client.ts';

export class TcpFaults {
  private readonly faults = new Map<string, TcpFault>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly proxy: FaultProxy,
    private readonly links: () => Map<string, FaultLink>,
  ) {}

  list(): TcpFault[] {
    return [...this.faults.values()];
  }

  async add(input: unknown): Promise<TcpFault> {
    const fault = planTcpFault(
      input,
      this.links().values(),
      this.clock.now(),
      (type) => `tcp-${type}-${this.nextId++}`,
      (id) => this.faults.has(id),
    );
    const applied: string[] = [];
    const m = tcpFaultModule(fault.type);
    try {
      for (const name of fault.links) {
        await m.apply(fault, name, this.proxy);
        applied.push(name);
      }
    } catch (err) {
      await this.undo({ ...fault, links: applied });
      throw new TcpFaultError((err as Error).message);
    }
    this.faults.set(fault.id, fault);
    return fault;
  }

  async remove(id: string): Promise<TcpFault | undefined> {
    const fault = this.faults.get(id);
    if (!fault) return undefined;
    this.faults.delete(id);
    await this.undo(fault);
    return fault;
  }

  async clear(): Promise<TcpFault[]> {
    const all = this.list();
    for (const f of all) await this.remove(f.id);
    return all;
  }

  private async undo(fault: TcpFault): Promise<void> {
    const m = tcpFaultModule(fault.type);
    for (const name of fault.links) await m.undo(fault, name, this.proxy).catch(() => {});
  }
}
