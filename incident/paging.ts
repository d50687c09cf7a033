/**
 * Who gets paged for a severity at a given wall-clock time, per the runbook's paging policy
 * (SEV1 wakes on-call, manager and IC; SEV2 pages the manager only in business hours; SEV3 waits
 * for morning after hours).
 */
import type { Runbook, Severity } from './runbook.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Day of week and minutes since midnight of `ms` in `timeZone` (IANA name). */
export function localTime(ms: number, timeZone: string): { day: (typeof DAYS)[number]; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number];
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isBusinessHours(runbook: Runbook, ms: number, timeZone: string): boolean {
  const { days, from, to } = runbook.paging.businessHours;
  const t = localTime(ms, timeZone);
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return (days as string[]).includes(t.day) && t.minutes >= toMin(from) && t.minutes < toMin(to);
}

export function whoToPage(runbook: Runbook, severity: Severity, ms: number, timeZone: string): string[] {
  const rule = runbook.paging[severity];
  if ('always' in rule) return [...rule.always];
  return [...(isBusinessHours(runbook, ms, timeZone) ? rule.businessHours : rule.afterHours)];
}
