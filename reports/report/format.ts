/** Small formatting helpers shared by the report writers (HTML, Markdown, JUnit). */
import { formatDuration } from '../../core/duration.ts';

/** Escapes text for HTML and XML element content and attribute values alike. */
export function esc(text: unknown): string {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** 0.0523 → "5.2%"; null/undefined → "-". */
export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(digits)}%`;
}

/** A whole number with thousands separators (viewer counts). */
export function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** A duration like 2m5s, or "-". */
export function dur(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : formatDuration(Math.max(0, ms));
}

/** Time relative to the run's start: T+12:05 (or T-0:30 during warm-up). */
export function rel(t: number, start: number): string {
  const d = t - start;
  const s = Math.round(Math.abs(d) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  const body = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  return `T${d < 0 ? '-' : '+'}${body}`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock time of day in the run's time zone: 19:43:40. Falls back to UTC for an unknown zone. */
export function clock(t: number, timeZone: string): string {
  let f = clockFormats.get(timeZone);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    };
    try {
      f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: 'UTC' });
    }
    clockFormats.set(timeZone, f);
  }
  return f.format(new Date(t));
}

/** Date and time in the run's time zone with the zone named: "Sat 21 Nov 2026, 19:33:00 UTC". */
export function dateTime(t: number, timeZone: string): string {
  const opts: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).format(new Date(t));
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: 'UTC' }).format(new Date(t));
  }
}

/** `{region: "emea"}` → "region=emea". */
export function labelText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'all';
}
