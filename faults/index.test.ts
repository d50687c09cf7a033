/**
 * The fault registry: one module per type, each complete (description, what the model does,
 * schema), one list every consumer reads; the docs' fault table is the registry's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../scenarios/schema.ts';
import { faultTable } from '../test/support/faults.ts';
import {
  CHANGES,
  FAULT_TYPES,
  FAULTS,
  HTTP_FAULTS,
  HttpFaultSchema,
  TCP_FAULTS,
  TcpFaultSchema,
} from './index.ts';

describe('the fault registry', () => {
  it('has one module per type, each with a description and what the model does with it', () => {
    expect(new Set(FAULT_TYPES).size).toBe(FAULTS.length);
    expect(FAULTS.length).toBe(HTTP_FAULTS.length + TCP_FAULTS.length + CHANGES.length);
    for (const m of FAULTS) {
      expect(m.description.length, m.type).toBeGreaterThan(10);
      expect(m.description, m.type).not.toContain('\n');
      expect(m.modelled.length, m.type).toBeGreaterThan(10);
    }
  });

  it('is what the scenario schema, the HTTP and TCP schemas take', () => {
    const step = (fault: string) =>
      ScenarioSchema.safeParse({
        title: 't',
        duration: '1m',
        population: { viewers: 10, regions: { emea: 1 } },
        timeline: [{ at: 0, fault }],
      }).success;
    for (const t of FAULT_TYPES) expect(step(t), t).toBe(true);
    expect(step('meteor-strike')).toBe(false);
    for (const m of HTTP_FAULTS)
      expect(
        HttpFaultSchema.safeParse({ type: m.type, status: 503, delayMs: 1 }).error?.issues.some(
          (i) => i.path[0] === 'type',
        ),
      ).not.toBe(true);
    for (const m of TCP_FAULTS) expect(TcpFaultSchema.safeParse({ type: m.type }).success, m.type).toBe(true);
  });

  it('writes the fault table in docs/stack.md', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', 'docs', 'stack.md'), 'utf8');
    expect(docs, `docs/stack.md's fault table is out of date; it should read:\n${faultTable()}\n`).toContain(
      faultTable(),
    );
  });
});
