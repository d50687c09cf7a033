/** Durations as people write them in scenario and rule files: `15s`, `2m`, `1h30m`, `500ms`, or seconds as a number. */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** A zod field accepting `2m`-style strings or plain seconds; outputs milliseconds. */
export const DurationMs = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v * 1000;
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like 30s, 2m, 1h30m or 500ms, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** 125000 → "2m5s" */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/**
 * A {@link DurationMs} between `minMs` and `maxMs` (inclusive), with the bounds said as durations:
 * `evaluationInterval: 0` reads "expected at least 1s", not an error from deep inside a run.
 */
export function durationWithin(minMs: number, maxMs: number) {
  return DurationMs.pipe(
    z
      .number()
      .min(minMs, `expected a duration of at least ${bound(minMs)}`)
      .max(maxMs, `expected a duration of at most ${bound(maxMs)}`),
  );
}

const bound = (ms: number) =>
  ms >= 86_400_000 && ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms);

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
