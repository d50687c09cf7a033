/** A StackActuator that records calls (unit tests of the timeline engine and responders). */

import type { LeverResult, StackActuator } from '../../faults/actuator.ts';
import type { HttpFaultInput, TcpFaultInput } from '../../faults/index.ts';

export class FakeActuator implements StackActuator {
  readonly calls: string[] = [];
  readonly http = new Map<string, HttpFaultInput>();
  readonly tcp = new Map<string, TcpFaultInput>();
  private n = 0;

  constructor(private readonly now: () => number = () => 0) {}

  private log(s: string): void {
    this.calls.push(`${this.now()} ${s}`);
  }

  async addHttpFault(input: HttpFaultInput): Promise<string> {
    const id = input.id ?? `h${++this.n}`;
    this.http.set(id, input);
    this.log(`+http ${id} ${JSON.stringify({ ...input, id: undefined, match: undefined })}`);
    return id;
  }
  async removeHttpFault(id: string): Promise<void> {
    this.http.delete(id);
    this.log(`-http ${id}`);
  }
  async addTcpFault(input: TcpFaultInput): Promise<string> {
    const id = input.id ?? `t${++this.n}`;
    this.tcp.set(id, input);
    this.log(`+tcp ${id} ${input.type}`);
    return id;
  }
  async removeTcpFault(id: string): Promise<void> {
    this.tcp.delete(id);
    this.log(`-tcp ${id}`);
  }
  async pullLever(lever: string, args: Record<string, string>): Promise<LeverResult> {
    this.log(`lever ${lever} ${JSON.stringify(args)}`);
    return { lever, args, summary: lever, undo: { lever, args } };
  }
  async deploy(component: string, version: string): Promise<void> {
    this.log(`deploy ${component}@${version}`);
  }
  async setFlag(flag: string, enabled: boolean): Promise<void> {
    this.log(`flag ${flag} ${enabled}`);
  }
  async removeAllFaults(): Promise<void> {
    for (const id of [...this.http.keys()]) await this.removeHttpFault(id);
    for (const id of [...this.tcp.keys()]) await this.removeTcpFault(id);
  }
}
