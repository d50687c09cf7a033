/**
 * What the console server needs from a running drill, whatever drives it: a real-time drill on the
 * real stack and players (`streamdrill drill`), or a paced virtual-time replay for a training room
 * (`streamdrill replay`). Tests and UI development plug in a fake.
 */
import type {
  ConsoleInfo,
  ConsoleSnapshot,
  Dashboard,
  DashboardId,
  DashboardSummary,
  JournalLine,
  QoePoint,
  ScribeEntry,
  TrainerControl,
  TrainerView,
} from './api.ts';

export class ConsoleInputError extends Error {
  readonly statusCode: number;
  constructor(message: string, statusCode = 400) {
    super(message);
    this.statusCode = statusCode;
  }
}

export interface ConsoleSession {
  info(): ConsoleInfo;
  snapshot(): ConsoleSnapshot;
  qoe(sinceMs?: number): QoePoint[];
  dashboards(): Promise<DashboardSummary[]>;
  dashboard(id: DashboardId): Promise<Dashboard>;
  /** Validates and carries out a team action (throws ConsoleInputError on bad input). */
  act(input: unknown): Promise<{ t: number; kind: string }>;
  /** Edits the note on a scribe entry (journaled as `scribe.note`). */
  note(entryId: number, role: string, text: string): ScribeEntry;
  /** Every journal event as it is written (per-session player events excluded). */
  subscribe(listener: (e: JournalLine) => void): () => void;
  /** Trainer mode only (undefined otherwise). */
  trainer?: {
    view(): TrainerView;
    control(c: TrainerControl): ConsoleSnapshot['clock'];
  };
  /** The report's HTML once the drill has ended. */
  reportHtml(): Promise<string | null>;
}
