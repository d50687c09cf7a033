/**
 * What the timeline engine and the responders act on: the stack's faults and levers. The real
 * stack (`origin-stub/stack.ts`, in real time) and the virtual-time simulator's model of it both
 * implement this, so a scenario and a team drive either one the same way.
 */

import type { LeverCall } from '../core/actions.ts';
import type { HttpFaultInput, TcpFaultInput } from './index.ts';

/** A lever pulled (journaled as `lever.pulled`): the call, what it did, and the call that undoes it. */
export interface LeverResult extends LeverCall {
  summary: string;
  undo: LeverCall;
}

export interface StackActuator {
  /** Adds an HTTP fault (same vocabulary as the stack's fault registry); returns its id. */
  addHttpFault(input: HttpFaultInput): Promise<string>;
  removeHttpFault(id: string): Promise<void>;
  /** Adds a TCP fault on the links its match selects; returns its id. */
  addTcpFault(input: TcpFaultInput): Promise<string>;
  removeTcpFault(id: string): Promise<void>;
  /** steer {region, cdn} | rollback {component} | failover {to} | disable-flag {flag} | enable-flag {flag} */
  pullLever(lever: string, args: Record<string, string>): Promise<LeverResult>;
  deploy(component: string, version: string): Promise<void>;
  setFlag(flag: string, enabled: boolean, brokenFor?: string[]): Promise<void>;
  /** Removes every fault this actuator added (levers stay as they are). */
  removeAllFaults(): Promise<void>;
}
