/**
 * The run journal: every event of a run, one JSON object per line (JSONL), in the order it
 * happened. Scoring, reports and replay read only the journal.
 *
 * Every line has `v` (the schema version of that event type), `t` (clock time, ms since the
 * epoch) and `type` (`<stage>.<what>`, e.g. `session.playbackStart`, `fault.applied`,
 * `alert.firing`, `action.mitigate`); the rest is the event's payload.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JournalEvent {
  v: number;
  t: number;
  type: string;
  [key: string]: unknown;
}

export interface JournalSink {
  write(event: JournalEvent): void;
}

/** Appends events to a JSONL file. `close()` flushes; safe to call more than once. */
export class JournalWriter implements JournalSink {
  private stream: WriteStream | undefined;
  private count = 0;
  private readonly listeners = new Set<(e: JournalEvent) => void>();

  private constructor(readonly path: string) {}

  static async open(path: string): Promise<JournalWriter> {
    await mkdir(dirname(path), { recursive: true });
    const w = new JournalWriter(path);
    w.stream = createWriteStream(path, { flags: 'w' });
    return w;
  }

  get written(): number {
    return this.count;
  }

  write(event: JournalEvent): void {
    for (const l of this.listeners) l(event);
    if (!this.stream) return;
    this.stream.write(`${JSON.stringify(event)}\n`);
    this.count++;
  }

  /** Sees every event as it is written (live consoles, metric engines). */
  onEvent(listener: (e: JournalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Keeps events in memory (tests, virtual runs that write the file at the end). */
export class MemoryJournal implements JournalSink {
  readonly events: JournalEvent[] = [];
  write(event: JournalEvent): void {
    this.events.push(event);
  }
}

export class JournalFormatError extends Error {}

/** Reads a journal; a bad line is reported with the file and line number. */
export async function readJournal(path: string): Promise<JournalEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new JournalFormatError(
      `${path}: cannot read the journal (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const events: JournalEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch (err) {
      throw new JournalFormatError(`${path}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    const ev = e as Partial<JournalEvent>;
    if (
      typeof ev !== 'object' ||
      ev === null ||
      typeof ev.type !== 'string' ||
      typeof ev.t !== 'number' ||
      typeof ev.v !== 'number'
    ) {
      throw new JournalFormatError(
        `${path}:${i + 1}: expected an event with numeric v and t and a string type`,
      );
    }
    events.push(ev as JournalEvent);
  }
  return events;
}
