/** Prometheus: metric names, promtool test export, and running promtool against a team's rules. */
export {
  buildAlertTests,
  buildInputSeries,
  buildPromtoolTest,
  promDuration,
  promtoolTestYaml,
} from './export.ts';
export { PROM_METRICS, promAlertName, promMetricName } from './metrics.ts';
export { expandingNotation } from './notation.ts';
export {
  checkPromRules,
  findPromtool,
  PROMTOOL_INSTALL_HINT,
  PromtoolMissingError,
  type PromtoolRunResult,
  runPromtoolForRun,
} from './promtool.ts';
export { PromRuleFileError } from './rule-file.ts';
export { type RunData, RunDataError, runDataFromJournal, runDataFromResult } from './run-data.ts';
