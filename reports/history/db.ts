/**
 * The drill history database (SQLite, better-sqlite3): one row per recorded run, one per alert
 * firing, the rules each run was evaluated with. Opening migrates: tables are created if missing
 * and `schema_version` records which migrations ran.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const DEFAULT_HISTORY_DB = '.streamdrill/history.db';

export type HistoryDb = InstanceType<typeof Database>;

export class HistoryError extends Error {}

/** Each entry upgrades the schema by one version; never edit one that has shipped, add another. */
const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS runs (
     id INTEGER PRIMARY KEY,
     run_key TEXT NOT NULL UNIQUE,
     scenario TEXT NOT NULL,
     title TEXT,
     mode TEXT NOT NULL,
     seed TEXT NOT NULL,
     start_at TEXT NOT NULL,
     ran_at INTEGER NOT NULL,
     recorded_at INTEGER NOT NULL,
     team TEXT,
     rules_file TEXT,
     ended_by TEXT,
     severity_truth TEXT,
     severity_declared TEXT,
     score REAL,
     impact_start INTEGER,
     time_to_detect_ms INTEGER,
     time_to_acknowledge_ms INTEGER,
     time_to_declare_ms INTEGER,
     time_to_mitigate_ms INTEGER,
     time_to_impact_reduction_ms INTEGER,
     time_to_resolve_ms INTEGER,
     scope TEXT NOT NULL DEFAULT '{}',
     source TEXT
   );
   CREATE INDEX IF NOT EXISTS runs_scenario_ran ON runs (scenario, ran_at);
   CREATE INDEX IF NOT EXISTS runs_ran ON runs (ran_at);
   CREATE TABLE IF NOT EXISTS alert_firings (
     id INTEGER PRIMARY KEY,
     run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     rule TEXT NOT NULL,
     action TEXT NOT NULL,
     labels TEXT NOT NULL,
     fired_at INTEGER NOT NULL,
     resolved_at INTEGER,
     actionable INTEGER NOT NULL,
     why TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS alert_firings_rule ON alert_firings (rule);
   CREATE TABLE IF NOT EXISTS run_rules (
     run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     rule TEXT NOT NULL,
     action TEXT NOT NULL,
     PRIMARY KEY (run_id, rule)
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating if needed, unless `mustExist`) and migrates the database. Errors are one line:
 * a missing file, a file that is not SQLite, a schema newer than this streamdrill.
 */
export function openHistory(path = DEFAULT_HISTORY_DB, o: { mustExist?: boolean } = {}): HistoryDb {
  const file = resolve(path);
  if (o.mustExist && !existsSync(file))
    throw new HistoryError(
      `${path}: no drill history yet (record a run with \`streamdrill history record <run-dir>\`)`,
    );
  let db: HistoryDb;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (err) {
    throw new HistoryError(`${path}: cannot open the history database (${(err as Error).message})`);
  }
  try {
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof HistoryError) throw err;
    throw new HistoryError(`${path}: not a streamdrill history database (${(err as Error).message})`);
  }
  return db;
}

function migrate(db: HistoryDb): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const row = db.prepare<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version').get();
  const current = row?.v ?? 0;
  if (current > SCHEMA_VERSION)
    throw new HistoryError(
      `${db.name}: history schema version ${current} is newer than this streamdrill understands (${SCHEMA_VERSION})`,
    );
  const apply = db.transaction(() => {
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v - 1]!);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(v, Date.now());
    }
  });
  apply();
}
