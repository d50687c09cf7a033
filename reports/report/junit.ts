/**
 * junit.xml: the drill as a test suite CI systems understand. One test case per scorecard item
 * (failure with the why, skipped when it does not apply) and one per scenario expectation, written
 * by streamdrill's one JUnit writer (core/junit.ts).
 */
import { type JUnitCase, junitXml } from '../../core/junit.ts';
import type { ReportModel } from './load.ts';

export function renderJunit(m: ReportModel): string {
  const suite = `streamdrill.${m.run.scenario}`;
  const cases: JUnitCase[] = [
    ...m.scorecard.items.map(
      (i): JUnitCase => ({
        classname: `${suite}.scorecard`,
        name: `${i.name} [${i.id}]`,
        ...(i.pass === null
          ? { skipped: `not applicable: ${i.why}` }
          : i.pass
            ? {}
            : {
                failure: {
                  message: i.why,
                  detail: `target: ${i.target}\nmeasured: ${i.measured}\nweight: ${i.weight}`,
                  type: 'scorecard',
                },
              }),
      }),
    ),
    ...m.expectations.map(
      (e): JUnitCase => ({
        classname: `${suite}.expectations`,
        name: `${e.kind}: ${e.description}`,
        ...(e.pass ? {} : { failure: { message: e.why, detail: e.why, type: 'expectation' } }),
      }),
    ),
  ];
  return junitXml([
    {
      name: suite,
      cases,
      timeSeconds: Math.max(0, m.endedAt - m.run.startMs) / 1000,
      timestamp: new Date(m.run.startMs).toISOString().slice(0, 19),
      properties: [
        ['scenario', m.run.scenario],
        ['mode', m.run.mode],
        ['seed', m.run.seed],
        ['score', m.scorecard.score],
        ['severity.truth', m.scorecard.severity.truth],
        ['severity.declared', m.scorecard.severity.declared ?? 'none'],
        ['endedBy', m.endedBy],
      ],
    },
  ]);
}
