/**
 * Reading a finished run from disk for the history: a run directory (result.json and/or
 * journal.jsonl), a result.json or a journal.jsonl. Errors are one line naming the file.
 */
import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type JournalEvent, JournalFormatError, readJournal } from '../../core/journal.ts';
import type { RunResult } from '../../drill/result.ts';
import { HistoryError } from './db.ts';

export interface RunOnDisk {
  result?: RunResult;
  events?: JournalEvent[];
  /** What reading the journal warned about (a torn last line). */
  warnings: string[];
  /** When the run finished writing (the newest file's mtime). */
  ranAt: Date;
  /** The real path recorded (re-recording the same files is a no-op). */
  source: string;
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function readResult(file: string): Promise<RunResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new HistoryError(
      `${file}: ${e.code ? `cannot read (${e.code})` : `not JSON (${e.message.replace(/\s+/g, ' ')})`}`,
    );
  }
  const r = parsed as Partial<RunResult> | null;
  if (
    !r ||
    typeof r !== 'object' ||
    r.version !== 1 ||
    typeof r.scenario !== 'string' ||
    !Array.isArray(r.alerts)
  )
    throw new HistoryError(`${file}: not a streamdrill result.json (no version 1, scenario and alerts)`);
  return r as RunResult;
}

async function readEvents(file: string): Promise<{ events: JournalEvent[]; warnings: string[] }> {
  try {
    const read = await readJournal(file);
    if (!read.events.some((e) => e.type === 'run.started'))
      throw new HistoryError(`${file}: not a run journal (no run.started event)`);
    return read;
  } catch (err) {
    if (err instanceof JournalFormatError) throw new HistoryError(err.message);
    throw err;
  }
}

export async function loadRunFromDisk(path: string): Promise<RunOnDisk> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new HistoryError(`${path}: no such run directory or file`);
  }
  let resultFile: string | undefined;
  let journalFile: string | undefined;
  if (info.isDirectory()) {
    if (await exists(join(path, 'result.json'))) resultFile = join(path, 'result.json');
    if (await exists(join(path, 'journal.jsonl'))) journalFile = join(path, 'journal.jsonl');
    if (!resultFile && !journalFile)
      throw new HistoryError(`${path}: no result.json or journal.jsonl in this directory`);
  } else if (path.endsWith('.jsonl')) {
    journalFile = path;
  } else {
    resultFile = path;
    const sibling = join(path, '..', 'journal.jsonl');
    if (basename(path) === 'result.json' && (await exists(sibling))) journalFile = sibling;
  }
  const result = resultFile ? await readResult(resultFile) : undefined;
  const read = journalFile ? await readEvents(journalFile) : undefined;
  const files = [resultFile, journalFile].filter((f): f is string => f !== undefined);
  const mtimes = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
  return {
    ...(result ? { result } : {}),
    ...(read ? { events: read.events } : {}),
    warnings: read?.warnings ?? [],
    ranAt: new Date(Math.max(...mtimes)),
    source: realpathSync(files[0]!),
  };
}
