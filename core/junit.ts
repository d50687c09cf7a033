/**
 * JUnit XML, the format CI systems read test results in: the one writer of it in streamdrill
 * (`test-rules`, `replay`, and the drill report's junit.xml all use it). Written by hand: it is one
 * small format, and the JUnit libraries on npm bring more dependencies than it has lines. Counts
 * (tests, failures, errors, skipped, time) are on both `<testsuites>` and `<testsuite>`, as Jenkins,
 * GitLab and GitHub reporters read them; characters XML 1.0 cannot hold are dropped.
 */
export interface JUnitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  failure?: { message: string; detail?: string; type?: string };
  skipped?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  timeSeconds?: number;
  /** When the suite ran (ISO 8601, seconds). */
  timestamp?: string;
  /** Key/value facts about the run (scenario, seed, score, ...). */
  properties?: [name: string, value: unknown][];
}

const esc = (v: unknown) =>
  String(v)
    // XML 1.0 forbids most control characters and U+FFFE/U+FFFF: escaping cannot save them.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
  time: number;
}

const countsOf = (s: JUnitSuite): Counts => ({
  tests: s.cases.length,
  failures: s.cases.filter((c) => c.failure).length,
  skipped: s.cases.filter((c) => !c.failure && c.skipped !== undefined).length,
  time: s.timeSeconds ?? 0,
});

const attrs = (c: Counts) =>
  `tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${c.time.toFixed(3)}"`;

/** The document for these suites; `name` names the whole (`<testsuites name=…>`). */
export function junitXml(suites: JUnitSuite[], name = 'streamdrill'): string {
  const all = suites.map(countsOf).reduce(
    (a, c) => ({
      tests: a.tests + c.tests,
      failures: a.failures + c.failures,
      skipped: a.skipped + c.skipped,
      time: a.time + c.time,
    }),
    { tests: 0, failures: 0, skipped: 0, time: 0 },
  );
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${esc(name)}" ${attrs(all)}>`];
  for (const s of suites) {
    const stamp = s.timestamp ? ` timestamp="${esc(s.timestamp)}"` : '';
    lines.push(`  <testsuite name="${esc(s.name)}" ${attrs(countsOf(s))}${stamp}>`);
    if (s.properties?.length) {
      lines.push('    <properties>');
      for (const [k, v] of s.properties) lines.push(`      <property name="${esc(k)}" value="${esc(v)}"/>`);
      lines.push('    </properties>');
    }
    for (const c of s.cases) {
      const open = `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${(c.timeSeconds ?? 0).toFixed(3)}"`;
      if (c.failure) {
        const type = c.failure.type ? ` type="${esc(c.failure.type)}"` : '';
        lines.push(
          `${open}>`,
          `      <failure message="${esc(c.failure.message)}"${type}>${esc(c.failure.detail ?? c.failure.message)}</failure>`,
          '    </testcase>',
        );
      } else if (c.skipped !== undefined) {
        lines.push(`${open}>`, `      <skipped message="${esc(c.skipped)}"/>`, '    </testcase>');
      } else {
        lines.push(`${open}/>`);
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
