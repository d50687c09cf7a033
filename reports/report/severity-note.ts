/**
 * The severity is the grid's call, not the title's. The playbook's worked example is headed "The
 * 14-Minute SEV1" while its own grid makes it a SEV2; a report on that scenario (or any scenario
 * whose title claims a severity the grid disagrees with) says so.
 */
import type { ReportModel } from './load.ts';

export function severityNote(m: ReportModel): string | null {
  const truth = m.scorecard.severity.truth;
  const isWorkedExample = m.run.scenario === 'worked-example' || /worked example/i.test(m.run.title);
  if (isWorkedExample && truth !== 'SEV1')
    return (
      `The playbook heads its worked example "The 14-Minute SEV1", but its own severity grid makes this run a ${truth}: ` +
      'regional, more than 5% of viewers affected and a workaround available (content steering), nowhere near a quarter ' +
      'of viewers unable to start or a 15% global rebuffer ratio. streamdrill scores the grid’s call.'
    );
  const claimed = /\bSEV\s?([1-4])\b/i.exec(m.run.title)?.[1];
  if (claimed && `SEV${claimed}` !== truth)
    return `The scenario's title claims SEV${claimed}; the severity grid calls this run ${truth}. streamdrill scores the grid’s call.`;
  return null;
}
