import { describe, expect, it } from 'vitest';
import { junitXml } from './junit.ts';

describe('junitXml', () => {
  it('counts tests, failures and skips on the suites and each suite, with properties and escaping', () => {
    const xml = junitXml(
      [
        {
          name: 'a & b',
          timeSeconds: 1.5,
          timestamp: '2026-11-21T19:33:00',
          properties: [['seed', 2066]],
          cases: [
            { name: 'ok', classname: 'x' },
            { name: 'bad <1>', classname: 'x', failure: { message: 'why "so"\u0007', type: 'scorecard' } },
            { name: 'n/a', classname: 'x', skipped: 'not applicable' },
          ],
        },
        { name: 'second', cases: [{ name: 'ok', classname: 'y', timeSeconds: 0.25 }] },
      ],
      'drills',
    );
    expect(xml).toContain(
      '<testsuites name="drills" tests="4" failures="1" errors="0" skipped="1" time="1.500">',
    );
    expect(xml).toContain(
      '<testsuite name="a &amp; b" tests="3" failures="1" errors="0" skipped="1" time="1.500" timestamp="2026-11-21T19:33:00">',
    );
    expect(xml).toContain('<property name="seed" value="2066"/>');
    expect(xml).toContain(
      '<failure message="why &quot;so&quot;" type="scorecard">why &quot;so&quot;</failure>',
    );
    expect(xml).toContain('<testcase name="bad &lt;1&gt;" classname="x" time="0.000">');
    expect(xml).toContain('<skipped message="not applicable"/>');
    expect(xml).toContain(
      '<testsuite name="second" tests="1" failures="0" errors="0" skipped="0" time="0.000">',
    );
  });
});
