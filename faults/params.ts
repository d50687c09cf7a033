/**
 * Parameter helpers every fault module uses: ids, shares, delays bounded so a typo cannot arm a
 * timer Node overflows (anything above 2^31-1 ms fires after 1 ms and spins), the message for an
 * unknown parameter that names the ones the fault has, and which parameters a ramp can move.
 */
import { z } from 'zod';

/** The longest delay any fault takes: 10 minutes. */
export const MAX_DELAY_MS = 600_000;

export const faultId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
  .optional();

export const shareParam = z
  .number()
  .min(0)
  .max(1)
  .default(1)
  .describe('share of matching requests hit (0..1)');

/** A delay in ms, at most 10 minutes. */
export function delayMs(min = 0): z.ZodNumber {
  return z.number().int().min(min).max(MAX_DELAY_MS, `at most ${MAX_DELAY_MS} ms (10 minutes)`);
}

/** zod's error hook for a strict object: an unknown key names the keys the fault does take. */
export function unknownKeyError(what: string, known: readonly string[]) {
  return (issue: { code?: string; keys?: string[] }): string | undefined =>
    issue.code === 'unrecognized_keys'
      ? `unknown ${issue.keys!.length > 1 ? 'keys' : 'key'} ${issue.keys!.map((k) => `'${k}'`).join(', ')} (${what}: ${known.join(', ') || 'none'})`
      : undefined;
}

/** The numeric parameters of a shape (a ramp can move them), with whether they are integers and their default. */
export function numericParams(shape: z.ZodRawShape): Record<string, { int: boolean; default?: number }> {
  const out: Record<string, { int: boolean; default?: number }> = {};
  for (const [name, schema] of Object.entries(shape)) {
    let t = schema as z.ZodType;
    let dflt: unknown;
    for (;;) {
      const def = t.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
      if (def.type === 'default') dflt = def.defaultValue;
      if ((def.type === 'default' || def.type === 'optional') && def.innerType) t = def.innerType;
      else break;
    }
    if (t instanceof z.ZodNumber) {
      out[name] = { int: t.format === 'safeint', ...(typeof dflt === 'number' ? { default: dflt } : {}) };
    }
  }
  return out;
}
