/** JUnit XML, the format CI systems read test results in. Written by hand: it is one small format. */
export interface JUnitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  failure?: { message: string; detail?: string };
  skipped?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  timeSeconds?: number;
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(suites: JUnitSuite[]): string {
  const count = (s: JUnitSuite, f: (c: JUnitCase) => boolean) => s.cases.filter(f).length;
  const total = (f: (c: JUnitCase) => boolean) => suites.reduce((n, s) => n + count(s, f), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${total(() => true)}" failures="${total((c) => !!c.failure)}" skipped="${total((c) => !!c.skipped)}">`,
  ];
  for (const s of suites) {
    lines.push(
      `  <testsuite name="${esc(s.name)}" tests="${s.cases.length}" failures="${count(s, (c) => !!c.failure)}" skipped="${count(s, (c) => !!c.skipped)}" time="${(s.timeSeconds ?? 0).toFixed(3)}">`,
    );
    for (const c of s.cases) {
      const open = `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${(c.timeSeconds ?? 0).toFixed(3)}"`;
      if (c.failure) {
        lines.push(
          `${open}>`,
          `      <failure message="${esc(c.failure.message)}">${esc(c.failure.detail ?? c.failure.message)}</failure>`,
          '    </testcase>',
        );
      } else if (c.skipped) {
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
