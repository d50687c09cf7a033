/**
 * junit.xml: the drill as a test suite CI systems understand. One test case per scorecard item
 * (failure with the why, skipped when it does not apply) and one per scenario expectation.
 */
import { esc } from './format.ts';
import type { ReportModel } from './load.ts';

/** Characters XML 1.0 does not allow at all (escaping cannot save them). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const x = (v: unknown) => esc(String(v).replace(INVALID_XML, ''));

interface Case {
  classname: string;
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  message: string;
  detail: string;
}

export function renderJunit(m: ReportModel): string {
  const suite = `streamdrill.${m.run.scenario}`;
  const cases: Case[] = [
    ...m.scorecard.items.map((i) => ({
      classname: `${suite}.scorecard`,
      name: `${i.name} [${i.id}]`,
      outcome: (i.pass === null ? 'skip' : i.pass ? 'pass' : 'fail') as Case['outcome'],
      message: i.pass === null ? `not applicable: ${i.why}` : i.why,
      detail: `target: ${i.target}\nmeasured: ${i.measured}\nweight: ${i.weight}`,
    })),
    ...m.expectations.map((e) => ({
      classname: `${suite}.expectations`,
      name: `${e.kind}: ${e.description}`,
      outcome: (e.pass ? 'pass' : 'fail') as Case['outcome'],
      message: e.why,
      detail: e.why,
    })),
  ];
  const failures = cases.filter((c) => c.outcome === 'fail').length;
  const skipped = cases.filter((c) => c.outcome === 'skip').length;
  const seconds = (Math.max(0, m.endedAt - m.run.startMs) / 1000).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}"`;
  const props: [string, unknown][] = [
    ['scenario', m.run.scenario],
    ['mode', m.run.mode],
    ['seed', m.run.seed],
    ['score', m.scorecard.score],
    ['severity.truth', m.scorecard.severity.truth],
    ['severity.declared', m.scorecard.severity.declared ?? 'none'],
    ['endedBy', m.endedBy],
  ];
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="0"`;
      if (c.outcome === 'pass') return `${open}/>`;
      const inner =
        c.outcome === 'fail'
          ? `<failure message="${x(c.message)}" type="scorecard">${x(c.detail)}</failure>`
          : `<skipped message="${x(c.message)}"/>`;
      return `${open}>\n      ${inner}\n    </testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="streamdrill" ${counts}>
  <testsuite name="${x(suite)}" ${counts} timestamp="${x(new Date(m.run.startMs).toISOString().slice(0, 19))}">
    <properties>
${props.map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`).join('\n')}
    </properties>
${body}
  </testsuite>
</testsuites>
`;
}
