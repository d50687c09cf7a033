/** The StackActuator over a real, in-process stack (real time, real players). */

import type { LeverResult, StackActuator } from '../faults/actuator.ts';
import type { HttpFaultInput, TcpFaultInput } from '../faults/index.ts';
import type { Stack } from './stack.ts';

export class RealStackActuator implements StackActuator {
  private readonly http = new Set<string>();
  private readonly tcp = new Set<string>();

  constructor(private readonly stack: Stack) {}

  async addHttpFault(input: HttpFaultInput): Promise<string> {
    const f = this.stack.faults.add(input);
    this.http.add(f.id);
    return f.id;
  }

  async removeHttpFault(id: string): Promise<void> {
    this.stack.faults.remove(id);
    this.http.delete(id);
  }

  async addTcpFault(input: TcpFaultInput): Promise<string> {
    const f = await this.stack.tcp.add(input);
    this.tcp.add(f.id);
    return f.id;
  }

  async removeTcpFault(id: string): Promise<void> {
    await this.stack.tcp.remove(id);
    this.tcp.delete(id);
  }

  async pullLever(lever: string, args: Record<string, string>): Promise<LeverResult> {
    const a = this.stack.levers.pull(lever, args);
    return { lever: a.lever, args: a.args, summary: a.summary, undo: a.undo };
  }

  async deploy(component: string, version: string): Promise<void> {
    this.stack.deploys.deploy(component, version);
  }

  async setFlag(flag: string, enabled: boolean, brokenFor?: string[]): Promise<void> {
    this.stack.flags.set(flag, enabled, brokenFor ? { brokenFor } : {});
  }

  async removeAllFaults(): Promise<void> {
    for (const id of [...this.http]) await this.removeHttpFault(id);
    for (const id of [...this.tcp]) await this.removeTcpFault(id).catch(() => {});
  }
}
