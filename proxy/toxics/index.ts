/** The toxic registry: every toxic type streamdrill's fault proxy understands, Toxiproxy 2.12's set. */
import { bandwidth } from './bandwidth.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import { timeout } from './timeout.ts';
import type { Attributes, ToxicDefinition } from './toxic.ts';

export const TOXICS: ReadonlyMap<string, ToxicDefinition> = new Map(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData].map((t) => [t.type, t]),
);

export type { Attributes, Stage, StageContext, ToxicDefinition } from './toxic.ts';

/**
 * Merges `input` over `base` and checks every attribute is a non-negative integer.
 * Unknown attribute names are ignored, as Toxiproxy's JSON decoding ignores them.
 */
export function resolveAttributes(
  def: ToxicDefinition,
  base: Attributes,
  input: unknown,
): { attributes: Attributes } | { error: string } {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    return { error: `attributes must be an object, got ${describe(input)}` };
  }
  const out: Attributes = { ...def.defaults, ...base };
  const given = (input ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(def.defaults)) {
    if (!(name in given)) continue;
    const value = given[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { error: `${def.type}.${name} must be a number, got ${describe(value)}` };
    }
    if (value < 0 || !Number.isInteger(value)) {
      return { error: `${def.type}.${name} must be a non-negative integer, got ${value}` };
    }
    out[name] = value;
  }
  const extra = def.validate?.(out);
  return extra ? { error: `${def.type}: ${extra}` } : { attributes: out };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value;
}
