/**
 * A bounded fuzz of every input parser, seeded so a failure reproduces: the catalogue's scenario
 * files, the rule file and the runbook mutated (lines dropped, duplicated and swapped, numbers made
 * extreme, types swapped, keys misspelt, text truncated, bytes garbled), and random JSON bodies for
 * the stack control API, the console API and the Toxiproxy API. Every input either loads, or is
 * refused with lines that each name the file and a position (files), or a 4xx with an error message
 * (APIs) — never a stack trace, another exception, a 5xx or a hang. `FUZZ_SEED` and `FUZZ_CASES`
 * widen a local run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsoleServer } from '../../console/server.ts';
import { createRng, type Rng } from '../../core/rng.ts';
import { InputFileError } from '../../core/yaml-file.ts';
import { DEFAULT_RUNBOOK, loadRunbook } from '../../incident/runbook.ts';
import { Stack } from '../../origin-stub/stack.ts';
import { ToxiproxyServer } from '../../proxy/server.ts';
import { DEFAULT_RULES, loadRules } from '../../rules/load.ts';
import { listScenarioFiles, loadScenario } from '../../scenarios/load.ts';
import { type ReplaySession, startReplaySession } from '../support/replay-session.ts';

const SEED = process.env.FUZZ_SEED ?? 'streamdrill-fuzz';
const CASES = Number(process.env.FUZZ_CASES ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'sd-fuzz-'));

const EXTREMES = [
  '-1',
  '0',
  '1e309',
  '4294967296',
  '-0.5',
  '99999999999d',
  '"x"',
  'null',
  '[]',
  '{}',
  'true',
  "''",
  '.nan',
];

function mutate(text: string, rng: Rng): string {
  const lines = text.split('\n');
  const pick = <T>(xs: T[]) => xs[Math.floor(rng.next() * xs.length)]!;
  const at = () => Math.floor(rng.next() * lines.length);
  const n = 1 + Math.floor(rng.next() * 3);
  for (let k = 0; k < n; k++) {
    switch (Math.floor(rng.next() * 8)) {
      case 0:
        lines.splice(at(), 1);
        break;
      case 1: {
        const i = at();
        lines.splice(i, 0, lines[i] ?? '');
        break;
      }
      case 2: {
        const i = at();
        const j = at();
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        break;
      }
      case 3: {
        const i = at();
        lines[i] = (lines[i] ?? '').replace(/-?\d+(\.\d+)?[a-z]*/, pick(EXTREMES));
        break;
      }
      case 4: {
        const i = at();
        lines[i] = (lines[i] ?? '').replace(/:\s*(\S.*)$/, `: ${pick(EXTREMES)}`);
        break;
      }
      case 5: {
        const i = at();
        lines[i] = (lines[i] ?? '').replace(/([a-z])([a-z]+):/i, '$2$1:');
        break;
      }
      case 6:
        return lines.join('\n').slice(0, Math.floor(rng.next() * text.length));
      default: {
        const i = at();
        const l = lines[i] ?? '';
        const c = Math.floor(rng.next() * (l.length + 1));
        lines[i] =
          l.slice(0, c) + pick(['{', '}', '[', ']', ':', '&a', '*a', '\t', '"', '%', '\u0000']) + l.slice(c);
      }
    }
  }
  return lines.join('\n');
}

const tally = { loaded: 0, refused: 0 };

async function expectClean(load: () => Promise<unknown>, file: string, text: string): Promise<void> {
  try {
    await load();
    tally.loaded++;
  } catch (err) {
    tally.refused++;
    if (!(err instanceof InputFileError))
      throw new Error(`not a clear input error for:\n${text}\n\n${(err as Error).stack}`);
    for (const line of err.message.split('\n'))
      expect(line, `error line for:\n${text}`).toMatch(
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: \\S`),
      );
  }
}

describe('input files, mutated', () => {
  const rng = createRng(`${SEED}|files`);
  it('scenario files load or are refused clearly', async () => {
    const sources = await listScenarioFiles();
    for (let i = 0; i < CASES * 2; i++) {
      const src = sources[i % sources.length]!;
      const text = mutate(readFileSync(src, 'utf8'), rng);
      const f = join(dir, `scenario-${i}.yaml`);
      writeFileSync(f, text);
      await expectClean(() => loadScenario(f), f, text);
    }
  }, 60_000);

  it('rule files and runbooks load or are refused clearly', async () => {
    for (const [src, load] of [
      [DEFAULT_RULES, loadRules],
      [DEFAULT_RUNBOOK, loadRunbook],
    ] as const) {
      const original = readFileSync(src, 'utf8');
      for (let i = 0; i < CASES; i++) {
        const text = mutate(original, rng);
        const f = join(dir, `input-${i}.yaml`);
        writeFileSync(f, text);
        await expectClean(() => load(f), f, text);
      }
    }
    // Not vacuous: the mutations produce both inputs that still load and inputs that are refused.
    expect(tally.refused).toBeGreaterThan(CASES);
    expect(tally.loaded).toBeGreaterThan(CASES / 10);
  }, 60_000);
});

/** Random JSON: objects of known and unknown keys with values of every type, nested a little. */
function randomJson(rng: Rng, keys: string[], depth = 0): unknown {
  const r = rng.next();
  const pick = <T>(xs: T[]) => xs[Math.floor(rng.next() * xs.length)]!;
  if (depth > 2 || r < 0.35)
    return pick<unknown>([
      0,
      -1,
      1e308,
      0.5,
      503,
      'x',
      '',
      'cdn-a',
      'emea',
      'fra',
      null,
      true,
      4294967296,
      [],
      {},
    ]);
  if (r < 0.45)
    return Array.from({ length: Math.floor(rng.next() * 3) }, () => randomJson(rng, keys, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(rng.next() * 5);
  for (let i = 0; i < n; i++) o[rng.next() < 0.8 ? pick(keys) : `k${i}`] = randomJson(rng, keys, depth + 1);
  return o;
}

describe('API bodies, random', () => {
  let stack: Stack;
  let replay: ReplaySession;
  beforeAll(async () => {
    stack = await Stack.start({ seed: 'fuzz', manifestMonitorMs: 0 });
    replay = await startReplaySession();
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await replay?.stop();
  });

  const keys = [
    'type',
    'status',
    'share',
    'delayMs',
    'match',
    'cdn',
    'pop',
    'region',
    'isp',
    'kind',
    'id',
    'attributes',
    'latency',
    'toxicity',
    'stream',
    'component',
    'version',
    'enabled',
    'brokenFor',
    'to',
    'flag',
    'role',
    'severity',
    'lever',
    'args',
    'text',
    'op',
    'speed',
    'name',
    'listen',
    'upstream',
    'every',
    'length',
  ];

  it('the stack control API answers 2xx or 4xx with an error, never 5xx', async () => {
    const rng = createRng(`${SEED}|control`);
    const routes = [
      '/faults/http',
      '/faults/tcp',
      '/levers/steer',
      '/levers/rollback',
      '/levers/failover',
      '/deploys',
      '/flags/ad-pod',
    ];
    const base = stack.urls.control;
    for (let i = 0; i < CASES * 2; i++) {
      const route = routes[i % routes.length]!;
      const body = randomJson(rng, keys);
      const res = await fetch(`${base}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status, `${route} ${JSON.stringify(body)} → ${text}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text).error, text).toMatch(/\S/);
    }
    await stack.clearFaults();
  }, 60_000);

  it('the console API answers 2xx or 4xx with an error, never 5xx', async () => {
    const rng = createRng(`${SEED}|console`);
    const { app } = await buildConsoleServer({ session: replay.session });
    for (let i = 0; i < CASES * 2; i++) {
      const route = ['/api/act', '/api/trainer/control', '/api/timeline/1/note'][i % 3]!;
      const body = randomJson(rng, keys);
      const res = await app.inject({ method: 'POST', url: route, payload: body as object });
      expect(res.statusCode, `${route} ${JSON.stringify(body)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().error).toMatch(/\S/);
    }
    await app.close();
  }, 60_000);

  it('the Toxiproxy API answers as Toxiproxy does (no 5xx but for a listen that fails)', async () => {
    const rng = createRng(`${SEED}|toxiproxy`);
    const server = ToxiproxyServer.create({ seed: 'fuzz' });
    try {
      for (let i = 0; i < CASES * 2; i++) {
        const route = ['/proxies', '/populate', '/proxies/p/toxics'][i % 3]!;
        const body = randomJson(rng, keys);
        const res = await server.app.inject({ method: 'POST', url: route, payload: JSON.stringify(body) });
        // Toxiproxy answers 500 only when a listen address cannot be bound; anything else is a 4xx.
        if (res.statusCode >= 500) expect(res.body, JSON.stringify(body)).toMatch(/listen|address|bind/i);
        if (res.statusCode >= 400) expect(res.json().error, res.body).toMatch(/\S/);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});
