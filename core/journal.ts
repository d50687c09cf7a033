/**
 * The run journal: every event of a run, one JSON object per line (JSONL), in the order it
 * happened. Scoring, reports and replay read only the journal.
 *
 * What an event may be is `journal-events.ts`: sinks take only those typed events, and
 * {@link readJournal} validates every line against them (version, time order, payload types), so
 * a journal that was tampered with, shuffled or written by something else is refused with one line
 * naming the file, the line and what was expected — and a line torn by a crash is only a warning.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import {
  JOURNAL_EVENTS,
  JOURNAL_VERSION,
  type JournalEvent,
  type JournalEventType,
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
  if (!Object.hasOwn(JOURNAL_EVENTS, e.type)) return `type: unknown event type ${JSON.stringify(e.type)}`;
  const parsed = JOURNAL_EVENTS[e.type as JournalEventType].safeParse(e);
  return parsed.success ? (parsed.data as JournalEvent) : `${e.type}: ${issueText(parsed.error, e)}`;
}

/**
 * Reads and validates a journal. Every line must be an event of this journal version with a
 * finite time and a payload that fits its type; times never go back within a stream (see
 * `journalStream`). The first line that does not fit is a {@link JournalFormatError} naming the
 * file, the line, the path inside the event and what was expected. A torn last line — no final
 * newline and not valid JSON, what a crash mid-write leaves — is skipped with a warning.
 */
export async function readJournal(path: string): Promise<ReadJournal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new JournalFormatError(
      `${path}: cannot read the journal (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const events: JournalEvent[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  // Only the last line can be torn: the one a crashed writer never finished.
  let last = lines.length - 1;
  while (last >= 0 && !lines[last]!.trim()) last--;
  const torn = last >= 0 && !text.endsWith('\n');
  const latest = {
    drill: { t: Number.NEGATIVE_INFINITY, line: 0 },
    players: { t: Number.NEGATIVE_INFINITY, line: 0 },
  };
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      if (torn && i === last) {
        warnings.push(
          `${path}:${i + 1}: the last line is torn (no final newline, not valid JSON: the run was cut short while writing it); read the ${events.length} events before it`,
        );
        break;
      }
      throw new JournalFormatError(`${path}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    const e = checkEvent(raw);
    if (typeof e === 'string') throw new JournalFormatError(`${path}:${i + 1}: ${e}`);
    const stream = latest[journalStream(e.type)];
    if (e.t < stream.t)
      throw new JournalFormatError(
        `${path}:${i + 1}: t: ${e.type} at ${e.t} is ${stream.t - e.t} ms before line ${stream.line}: expected times in order (lines shuffled or edited?)`,
      );
    stream.t = e.t;
    stream.line = i + 1;
    events.push(e);
  }
  return { events, warnings };
}
