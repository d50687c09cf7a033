/**
 * The journal's event schemas and its reader: every event type round-trips through a file; a
 * line that does not fit is refused with the file, the line, the path inside the event and what
 * was expected; unknown versions, infinite times and shuffled lines are refused; a torn last line
 * is read around with a warning; every recorded journal in test/fixtures/journals still loads.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JournalFormatError, readJournal, writeJournalFile } from './journal.ts';
import {
  eventsOf,
  JOURNAL_EVENTS,
  type JournalEventOf,
  JournalEventSchema,
  type JournalEventType,
  journalStream,
} from './journal-events.ts';

const T0 = Date.parse('2026-11-21T19:35:00Z');
const labels = {
  region: 'emea',
  isp: 'eu-cable',
  device: 'tv',
  player: 'shaka',
  playerVersion: '5.2.12',
  channel: 'news',
  variant: 'enc',
  drm: 'playready',
  cdn: 'cdn-a',
  pop: 'fra',
} as const;
const figures = { viewers: 1000, rebufferingShare: 0.05, affectedShare: 0.06 };
const session = <T extends `session.${string}`>(type: T, data?: object) => ({
  v: 1 as const,
  t: T0,
  type,
  sid: 's1',
  labels,
  weight: 66.5,
  ...(data ? { data } : {}),
});
const alert = <T extends 'alert.pending' | 'alert.firing' | 'alert.resolved'>(type: T) => ({
  v: 1 as const,
  t: T0,
  type,
  rule: 'RebufferPage',
  action: 'page',
  labels: { region: 'emea' },
  value: 0.07,
  activeSince: T0 - 60_000,
  summary: 'More than 5% of current viewers are rebuffering',
});

/** One event of every type, as its writer writes it (the mapped type makes the list complete). */
const SAMPLES: { [T in JournalEventType]: JournalEventOf<T> } = {
  'run.started': {
    v: 1,
    t: T0,
    type: 'run.started',
    scenario: 'worked-example',
    title: 'EMEA rebuffering',
    mode: 'virtual',
    seed: 7,
    startAt: '2026-11-21T19:37:00Z',
    timeZone: 'Europe/Berlin',
    durationMs: 3_000_000,
    rules: 'scenarios/rules/default.yaml',
    team: 'script',
    population: { viewers: 800_000, sessions: 10_000 },
    expect: {
      severity: 'SEV2',
      scope: { region: 'emea', cdn: ['cdn-a'] },
      mitigations: ['steer'],
      alerts: {
        mustFire: [{ alert: 'RebufferPage', labels: { region: 'emea' }, within: 300_000 }],
        mustNotFire: [{ alert: 'VideoStartFailurePage', labels: {} }],
      },
    },
  },
  'run.error': { v: 1, t: T0, type: 'run.error', message: 'timeline: boom' },
  'run.halted': { v: 1, t: T0, type: 'run.halted', reason: 'halt condition 1' },
  'run.ended': { v: 1, t: T0, type: 'run.ended', reason: 'end' },
  'fault.applied': {
    v: 1,
    t: T0,
    type: 'fault.applied',
    step: 'fra-503',
    fault: 'http-status',
    target: { cdn: 'cdn-a', pop: ['fra', 'ams'] },
    params: { status: 503, share: 0.4, sticky: true, kinds: ['segment'] },
    note: 'the shield',
  },
  'fault.updated': { v: 1, t: T0, type: 'fault.updated', step: 'fra-503', params: { share: 0.5 } },
  'fault.removed': { v: 1, t: T0, type: 'fault.removed', step: 'fra-503', reason: 'duration' },
  'alert.pending': alert('alert.pending'),
  'alert.firing': alert('alert.firing'),
  'alert.resolved': { ...alert('alert.resolved'), value: null },
  'page.sent': { v: 1, t: T0, type: 'page.sent', to: ['oncall'], rule: 'RebufferPage', labels: {} },
  'impact.sample': {
    v: 1,
    t: T0,
    type: 'impact.sample',
    global: figures,
    slices: { region: { emea: figures }, cdn: {} },
  },
  'lever.pulled': {
    v: 1,
    t: T0,
    type: 'lever.pulled',
    lever: 'steer',
    args: { region: 'emea', cdn: 'cdn-b' },
    summary: 'EMEA steered to cdn-b',
    undo: { lever: 'steer', args: { region: 'emea', cdn: 'cdn-a' } },
    role: 'ops',
  },
  'action.acknowledge': { v: 1, t: T0, type: 'action.acknowledge', role: 'oncall', alert: 'RebufferPage' },
  'action.confirm': { v: 1, t: T0, type: 'action.confirm', role: 'oncall', source: 'social' },
  'action.scope': { v: 1, t: T0, type: 'action.scope', role: 'ic', region: 'emea', viewersAffected: 40_000 },
  'action.declare': { v: 1, t: T0, type: 'action.declare', role: 'ic', severity: 'SEV2' },
  'action.dashboard': { v: 1, t: T0, type: 'action.dashboard', role: 'ops', dashboard: 'cdn-edge' },
  'action.status': { v: 1, t: T0, type: 'action.status', role: 'comms', state: 'identified', message: 'x' },
  'action.page': { v: 1, t: T0, type: 'action.page', role: 'ic', who: 'vendor:cdn-a' },
  'action.mitigate': {
    v: 1,
    t: T0,
    type: 'action.mitigate',
    role: 'ops',
    lever: 'steer',
    args: { region: 'emea', cdn: 'cdn-b' },
  },
  'action.followup': { v: 1, t: T0, type: 'action.followup', role: 'ic', title: 'fix it', due: '2026-11-24' },
  'action.rootcause': { v: 1, t: T0, type: 'action.rootcause', role: 'sme', cause: 'shield config' },
  'action.bridge': { v: 1, t: T0, type: 'action.bridge', role: 'comms' },
  'action.review': { v: 1, t: T0, type: 'action.review', role: 'ic', scheduledFor: '2026-11-24' },
  'action.assign': { v: 1, t: T0, type: 'action.assign', role: 'ic', assignee: 'ops', alias: 'Sam' },
  'action.resolve': { v: 1, t: T0, type: 'action.resolve', role: 'ic' },
  'action.note': { v: 1, t: T0, type: 'action.note', role: 'scribe', text: 'decision: steer' },
  'action.mitigate.failed': {
    v: 1,
    t: T0,
    type: 'action.mitigate.failed',
    role: 'ops',
    lever: 'failover',
    args: { to: 'moon' },
    error: 'unknown origin moon',
  },
  narration: { v: 1, t: T0, type: 'narration', text: 'a VP joins', inject: true, role: 'trainer' },
  'scribe.note': { v: 1, t: T0, type: 'scribe.note', entry: 3, role: 'scribe', text: 'checked' },
  'play.start': {
    v: 1,
    t: T0,
    type: 'play.start',
    players: 2,
    weight: 1,
    cohorts: null,
    control: 'http://127.0.0.1:4000',
    viewers: [{ slot: 0, region: 'emea', player: 'hlsjs' }],
  },
  'play.end': { v: 1, t: T0, type: 'play.end', interrupted: 'SIGINT' },
  'session.playbackRequest': session('session.playbackRequest'),
  'session.playbackStart': session('session.playbackStart', {
    startupMs: 900,
    licenceMs: 80,
    manifestMs: 40,
  }),
  'session.playbackStall': session('session.playbackStall'),
  'session.playbackStallEnd': session('session.playbackStallEnd'),
  'session.playbackFail': session('session.playbackFail', {
    error: { player: 'shaka', category: 'NETWORK', code: '1001', fatal: true, httpStatus: 503 },
  }),
  'session.renditionUpdate': session('session.renditionUpdate', {
    bitrate: 900_000,
    width: 854,
    height: 480,
  }),
  'session.playbackPause': session('session.playbackPause'),
  'session.playbackResume': session('session.playbackResume'),
  'session.playbackExit': session('session.playbackExit', { reason: 'patience' }),
  'session.playbackFinish': session('session.playbackFinish'),
  'session.playerError': session('session.playerError', {
    error: { player: 'hlsjs', category: 'networkError', code: 'fragLoadError', fatal: false },
  }),
  'session.pathwayChange': session('session.pathwayChange', { from: 'cdn-a', to: 'cdn-b' }),
  'session.heartbeat': session('session.heartbeat', { mediaSeconds: 10, bitsPlayed: 9_000_000 }),
  'metrics.sample': {
    v: 1,
    t: T0,
    type: 'metrics.sample',
    windowMs: 60_000,
    overall: { viewers: 2, startup: { p50Ms: 900 } },
    by: { region: { emea: { viewers: 2 } } },
  },
};

const jsonl = (events: readonly object[]) => events.map((e) => JSON.stringify(e)).join('\n');
let dir: string;
const file = async (name: string, text: string) => {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
};
/** The reader's error for a file, or null when it reads. */
const refusal = async (name: string, text: string) => {
  try {
    await readJournal(await file(name, text));
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(JournalFormatError);
    return (err as Error).message;
  }
};
const run = SAMPLES['run.started'];
const sample = SAMPLES['impact.sample'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-journal-'));
});

describe('the journal event schemas', () => {
  it('round-trip every event type through a journal file, typed', async () => {
    const all = Object.values(SAMPLES);
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(Object.keys(JOURNAL_EVENTS)));
    const { events, warnings } = await readJournal(await file('all.jsonl', `${jsonl(all)}\n`));
    expect(warnings).toEqual([]);
    expect(events).toEqual(all);
    for (const e of all) expect(JournalEventSchema.parse(e)).toEqual(e);
    // Typed access: no casts.
    expect(eventsOf(events, 'lever.pulled')[0]!.undo.args.cdn).toBe('cdn-a');
  });

  it('are written by writeJournalFile a slice at a time, byte for byte one JSON line each', async () => {
    const beats = Array.from({ length: 25_001 }, (_, i) => ({ ...SAMPLES['session.heartbeat'], t: T0 + i }));
    const all = [run, ...beats];
    const path = join(dir, 'written.jsonl');
    await writeJournalFile(path, all);
    expect(await readFile(path, 'utf8')).toBe(`${jsonl(all)}\n`);
    expect((await readJournal(path)).events).toEqual(all);
  });

  it('read the players’ stream apart from the drill’s', () => {
    expect(journalStream('session.heartbeat')).toBe('players');
    expect(journalStream('metrics.sample')).toBe('players');
    expect(journalStream('impact.sample')).toBe('drill');
    expect(journalStream('action.mitigate.failed')).toBe('drill');
  });

  it('ignore payload keys they do not know, and fill defaults the writer always wrote', async () => {
    const older = { v: 1, t: T0, type: 'action.status', role: 'comms', message: 'x', mood: 'calm' };
    const { events } = await readJournal(await file('keys.jsonl', `${jsonl([run, older])}\n`));
    expect(events[1]).toEqual({
      v: 1,
      t: T0,
      type: 'action.status',
      role: 'comms',
      message: 'x',
      state: 'investigating',
    });
  });
});

describe('reading a journal', () => {
  it('names the file, the line, the path inside the event and what was expected', async () => {
    const notFigures = { ...sample, global: 'none' };
    expect(await refusal('payload.jsonl', `${jsonl([run, sample, notFigures])}\n`)).toBe(
      `${join(dir, 'payload.jsonl')}:3: impact.sample: global: expected record, received string`,
    );
    const deep = { ...SAMPLES['session.playbackStart'], labels: { ...labels, variant: 'drm' } };
    expect(await refusal('deep.jsonl', `${jsonl([deep])}\n`)).toMatch(
      /deep\.jsonl:1: session\.playbackStart: labels\.variant: expected one of "clear"\|"enc", got "drm"$/,
    );
    const undo = { ...SAMPLES['lever.pulled'], undo: 'steer emea back to cdn-a' };
    expect(await refusal('undo.jsonl', `${jsonl([run, undo])}\n`)).toBe(
      `${join(dir, 'undo.jsonl')}:2: lever.pulled: undo: expected object, received string`,
    );
    expect(await refusal('type.jsonl', `${jsonl([run, { v: 1, t: T0, type: 'alert.exploded' }])}\n`)).toBe(
      `${join(dir, 'type.jsonl')}:2: type: unknown event type "alert.exploded"`,
    );
    expect(await refusal('string.jsonl', `${jsonl([run])}\n"run.ended"\n`)).toBe(
      `${join(dir, 'string.jsonl')}:2: expected an event object, got "run.ended"`,
    );
  });

  it('reads only the journal version it knows', async () => {
    expect(await refusal('v2.jsonl', `${jsonl([run, { ...sample, v: 2 }])}\n`)).toBe(
      `${join(dir, 'v2.jsonl')}:2: v: expected journal version 1, got 2 (not a journal this streamdrill reads)`,
    );
    expect(await refusal('v-none.jsonl', `${jsonl([{ ...run, v: undefined }])}\n`)).toMatch(
      /v-none\.jsonl:1: v: expected journal version 1, got undefined/,
    );
  });

  it('refuses times that are not finite numbers', async () => {
    const text = `${jsonl([run])}\n${JSON.stringify(sample).replace(`"t":${T0}`, '"t":1e400')}\n`;
    expect(await refusal('inf.jsonl', text)).toBe(
      `${join(dir, 'inf.jsonl')}:2: t: expected a finite time in ms since the epoch, got Infinity`,
    );
    expect(await refusal('str-t.jsonl', `${jsonl([{ ...run, t: '12:00' }])}\n`)).toMatch(
      /:1: t: expected a finite/,
    );
  });

  it('refuses times that go back within a stream (shuffled lines), and lets session events trail', async () => {
    const later = (e: object, ms: number) => ({ ...e, t: T0 + ms });
    const drill = [run, later(sample, 15_000), later(SAMPLES['alert.firing'], 15_000), later(sample, 30_000)];
    expect(await refusal('ordered.jsonl', `${jsonl(drill)}\n`)).toBeNull();
    const shuffled = [drill[0], drill[3], drill[1], drill[2]] as object[];
    expect(await refusal('shuffled.jsonl', `${jsonl(shuffled)}\n`)).toBe(
      `${join(dir, 'shuffled.jsonl')}:3: t: impact.sample at ${T0 + 15_000} is 15000 ms before line 2: expected times in order (lines shuffled or edited?)`,
    );
    // A real run holds player events for a reorder horizon: they land after later drill events.
    const trailing = [
      run,
      later(sample, 15_000),
      later(SAMPLES['session.heartbeat'], 13_500),
      later(sample, 30_000),
    ];
    expect(await refusal('trailing.jsonl', `${jsonl(trailing)}\n`)).toBeNull();
    // The model's times are floating point: a fraction of a microsecond either way is the same time.
    const jitter = [
      run,
      later(SAMPLES['session.heartbeat'], 2000),
      later(SAMPLES['session.heartbeat'], 1999.9998),
    ];
    expect(await refusal('jitter.jsonl', `${jsonl(jitter)}\n`)).toBeNull();
    const sessionsBack = [
      run,
      later(SAMPLES['session.heartbeat'], 2000),
      later(SAMPLES['session.heartbeat'], 1000),
    ];
    expect(await refusal('sessions-back.jsonl', `${jsonl(sessionsBack)}\n`)).toMatch(
      /sessions-back\.jsonl:3: t: session\.heartbeat at \d+ is 1000 ms before line 2/,
    );
  });

  it('reads around a torn last line with a warning, but refuses a broken line elsewhere', async () => {
    const whole = `${jsonl([run, sample])}\n`;
    const torn = `${whole}${JSON.stringify(SAMPLES['run.ended']).slice(0, 20)}`;
    const r = await readJournal(await file('torn.jsonl', torn));
    expect(r.events).toEqual([run, sample]);
    expect(r.warnings).toEqual([
      `${join(dir, 'torn.jsonl')}:3: the last line is torn (no final newline, not valid JSON: the run was cut short while writing it); read the 2 events before it`,
    ]);
    // The last line complete but its newline never written: read, no warning.
    const unfinished = await readJournal(await file('no-newline.jsonl', jsonl([run, sample])));
    expect(unfinished).toEqual({ events: [run, sample], warnings: [] });
    // A broken line that is not the last, or a last line that was finished (newline written).
    expect(await refusal('middle.jsonl', `${jsonl([run])}\n{"v":1,"t":\n${jsonl([sample])}\n`)).toMatch(
      /middle\.jsonl:2: not valid JSON/,
    );
    expect(await refusal('ended.jsonl', `${whole}{"v":1,"t":\n`)).toMatch(/ended\.jsonl:3: not valid JSON/);
    // A torn line that parses but does not fit is no crash artefact.
    expect(await refusal('torn-valid.jsonl', `${whole}{"v":1}`)).toMatch(/torn-valid\.jsonl:3: t: expected/);
  });

  it('loads every recorded journal in test/fixtures/journals', async () => {
    const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'journals');
    const names = (await readdir(fixtures)).filter((n) => n.endsWith('.jsonl'));
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const name of names) {
      const { events, warnings } = await readJournal(join(fixtures, name));
      expect(warnings, name).toEqual([]);
      expect(events.length, name).toBeGreaterThan(100);
      expect(
        events.some((e) => e.type === 'run.started'),
        name,
      ).toBe(true);
    }
  });
});
