/** Formatting shared by the panels: drill clock times, T+ offsets, percentages, viewer counts. */

const clockFormats = new Map<string, Intl.DateTimeFormat>();

function clockFormat(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let f = clockFormats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        second: seconds ? '2-digit' : undefined,
        hourCycle: 'h23',
      });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'UTC',
        hour: '2-digit',
        minute: '2-digit',
        second: seconds ? '2-digit' : undefined,
        hourCycle: 'h23',
      });
    }
    clockFormats.set(key, f);
  }
  return f;
}

/** "19:43:40" in the drill's time zone. */
export function clockTime(t: number, timeZone: string, seconds = true): string {
  return clockFormat(timeZone, seconds).format(new Date(t));
}

/** "Saturday 21 November 2026" in the drill's time zone. */
export function clockDate(t: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(new Date(t));
  } catch {
    return new Date(t).toDateString();
  }
}

/** "T+09:40" (or "T−01:30" during warm-up; hours when needed) relative to scenario time 0. */
export function tPlus(t: number, startMs: number): string {
  const d = Math.round((t - startMs) / 1000);
  const sign = d < 0 ? '−' : '+';
  const abs = Math.abs(d);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `T${sign}${h}:${mm}:${ss}` : `T${sign}${mm}:${ss}`;
}

/** A 0..1 share as "5.2%" (one decimal below 10%, none above). */
export function pct(share: number | null | undefined, digits?: number): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  const p = share * 100;
  return `${p.toFixed(digits ?? (Math.abs(p) < 10 ? 1 : 0))}%`;
}

export function viewers(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** "4 min 10 s" for a duration. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
