/**
 * The run journal: every event of a run, one JSON object per line (JSONL), in the order it
 * happened. Scoring, reports and replay read only the journal.
 *
 * What an event may be is `journal-events.ts`: sinks take only those typed events, and
 * {@link readJournal} validates every line against them (version, time order, payload types), so
 * a journal that was tampered with, shuffled or written by something else is refused with one line
 * naming the file, the line and what was expected — and a line torn by a crash is only a warning.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import {
  isJournalEventType,
  JOURNAL_EVENTS,
  JOURNAL_VERSION,
  type JournalEvent,
  journalStream,
} from './journal-events.ts';

export type { JournalEvent, JournalEventOf, JournalEventType, JournalPayload } from './journal-events.ts';

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

/**
 * Writes a whole journal to a file, a slice of lines at a time: a journal with every session event
 * (millions of lines) is larger than the longest string V8 can build.
 */
export async function writeJournalFile(path: string, events: readonly JournalEvent[]): Promise<void> {
  const LINES_PER_WRITE = 10_000;
  const file = await open(path, 'w');
  try {
    for (let i = 0; i < events.length; i += LINES_PER_WRITE) {
      let chunk = '';
      for (const e of events.slice(i, i + LINES_PER_WRITE)) chunk += `${JSON.stringify(e)}\n`;
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
}

export class JournalFormatError extends Error {}

export interface ReadJournal {
  events: JournalEvent[];
  /** Problems that did not stop the reading (a torn last line), one line each, naming the file. */
  warnings: string[];
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** The first issue as `path: what was expected` (zod's "Invalid input: " prefix dropped). */
function issueText(error: z.ZodError, raw: unknown): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'does not fit its schema';
  const path = first.path.join('.');
  let what = first.message.replace(/^Invalid [a-z ]+: /, '');
  // zod names the received type, not the value, for a value outside a list: add it.
  if (first.code === 'invalid_value') {
    const got = first.path.reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
      raw,
    );
    what += `, got ${show(got)}`;
  }
  const more = rest.length ? ` (and ${rest.length} more)` : '';
  return `${path ? `${path}: ` : ''}${what}${more}`;
}

/**
 * Checks one parsed line: the version, the time, a known type, the payload against its schema.
 * Returns the typed event (the schema's output: unknown payload keys dropped) or an error text.
 */
function checkEvent(raw: unknown): JournalEvent | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return `expected an event object, got ${Array.isArray(raw) ? 'an array' : show(raw)}`;
  const e = raw as Record<string, unknown>;
  if (e.v !== JOURNAL_VERSION)
    return `v: expected journal version ${JOURNAL_VERSION}, got ${show(e.v)} (not a journal this streamdrill reads)`;
  if (typeof e.t !== 'number' || !Number.isFinite(e.t))
    return `t: expected a finite time in ms since the epoch, got ${show(e.t)}`;
  if (typeof e.type !== 'string') return `type: expected an event type, got ${show(e.type)}`;
  if (!isJournalEventType(e.type)) return `type: unknown event type ${JSON.stringify(e.type)}`;
  const parsed = JOURNAL_EVENTS[e.type].safeParse(e);
  return parsed.success ? parsed.data : `${e.type}: ${issueText(parsed.error, e)}`;
}

/**
 * Times less than a millisecond apart are the same time: the population model computes event
 * times in floating point, and two of its session events can come out a fraction of a microsecond
 * apart in either order (169 of the worked example's 2 million). Lines out of order are seconds apart.
 */
const SAME_TIME_MS = 1;

/**
 * Reads and validates a journal. Every line must be an event of this journal version with a
 * finite time and a payload that fits its type; times never go back within a stream (see
 * `journalStream`). The first line that does not fit is a {@link JournalFormatError} naming the
 * file, the line, the path inside the event and what was expected. A torn last line — no final
 * newline and not valid JSON, what a crash mid-write leaves — is skipped with a warning.
 */
export async function readJournal(path: string): Promise<ReadJournal> {
  const events: JournalEvent[] = [];
  const warnings: string[] = [];
  const latest = {
    drill: { t: Number.NEGATIVE_INFINITY, line: 0 },
    players: { t: Number.NEGATIVE_INFINITY, line: 0 },
  };
  let n = 0;
  /** One line; `ended` says whether its newline was written (only the last line can lack it). */
  const take = (text: string, ended: boolean): void => {
    n++;
    const line = text.trim();
    if (!line) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      if (!ended) {
        warnings.push(
          `${path}:${n}: the last line is torn (no final newline, not valid JSON: the run was cut short while writing it); read the ${events.length} events before it`,
        );
        return;
      }
      throw new JournalFormatError(`${path}:${n}: not valid JSON (${(err as Error).message})`);
    }
    const e = checkEvent(raw);
    if (typeof e === 'string') throw new JournalFormatError(`${path}:${n}: ${e}`);
    const stream = latest[journalStream(e.type)];
    if (e.t < stream.t - SAME_TIME_MS)
      throw new JournalFormatError(
        `${path}:${n}: t: ${e.type} at ${e.t} is ${stream.t - e.t} ms before line ${stream.line}: expected times in order (lines shuffled or edited?)`,
      );
    if (e.t >= stream.t) {
      stream.t = e.t;
      stream.line = n;
    }
    events.push(e);
  };
  // Streamed a chunk at a time: a journal with every session event is larger than a string can be.
  let rest = '';
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) take(line, true);
    }
  } catch (err) {
    if (err instanceof JournalFormatError) throw err;
    throw new JournalFormatError(
      `${path}: cannot read the journal (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (rest.trim()) take(rest, false);
  return { events, warnings };
}
