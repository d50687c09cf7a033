/** Drill history (SQLite): record runs, read trends and the alert audit. */
export { DEFAULT_HISTORY_DB, type HistoryDb, HistoryError, openHistory, SCHEMA_VERSION } from './db.ts';
export { auditTable, trendsTable } from './format.ts';
export { loadRunFromDisk, type RunOnDisk } from './load-run.ts';
export { type AlertAudit, alertAudit, type RuleAudit, type Trends, trends } from './queries.ts';
export { type RecordedRun, type RecordRunInput, recordRun } from './record.ts';
