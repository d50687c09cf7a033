import { describe, expect, it } from 'vitest';
import { isBusinessHours, localTime, whoToPage } from './paging.ts';
import { loadRunbook } from './runbook.ts';

describe('paging policy', () => {
  it('reads the worked example as Saturday evening, after hours', async () => {
    const rb = await loadRunbook();
    const sat1943 = Date.UTC(2026, 10, 21, 19, 43); // 21 Nov 2026 is a Saturday
    expect(localTime(sat1943, 'UTC')).toEqual({ day: 'sat', minutes: 19 * 60 + 43 });
    expect(isBusinessHours(rb, sat1943, 'UTC')).toBe(false);
    expect(whoToPage(rb, 'SEV1', sat1943, 'UTC')).toEqual(['oncall', 'manager', 'ic']);
    expect(whoToPage(rb, 'SEV2', sat1943, 'UTC')).toEqual(['oncall']);
    expect(whoToPage(rb, 'SEV3', sat1943, 'UTC')).toEqual([]);
  });

  it('pages the manager for SEV2 in business hours, in the team’s time zone', async () => {
    const rb = await loadRunbook();
    const tue = Date.UTC(2026, 10, 24, 14, 0); // Tuesday 14:00 UTC = 09:00 in New York
    expect(whoToPage(rb, 'SEV2', tue, 'UTC')).toEqual(['oncall', 'manager']);
    expect(whoToPage(rb, 'SEV2', tue, 'America/New_York')).toEqual(['oncall', 'manager']);
    expect(whoToPage(rb, 'SEV2', Date.UTC(2026, 10, 24, 13, 0), 'America/New_York')).toEqual(['oncall']);
    expect(whoToPage(rb, 'SEV3', tue, 'UTC')).toEqual(['oncall']);
  });
});
