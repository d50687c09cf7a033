/**
 * The console over a paced virtual replay of the worked example, through the server's `inject`:
 * the trainees act at the console (acknowledge, declare, steer EMEA to cdn-b, post a status), and
 * the steer really moves the modelled EMEA viewers to cdn-b; the dashboards, alerts, scribe
 * timeline, status page and trainer view follow the journal; bad requests get clear errors.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { Pacer } from '../drill/pacer.ts';
import { type RunOutcome, runVirtual } from '../drill/run-virtual.ts';
import { loadRunbook } from '../incident/runbook.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { DEFAULT_RULES, loadRules } from '../rules/load.ts';
import { loadScenario, resolveScenarioPath } from '../scenarios/load.ts';
import type { ConsoleInfo, ConsoleSnapshot, DashboardSummary, QoePoint, TrainerView } from './api.ts';
import { VirtualDashboards } from './dashboards.ts';
import { LiveSession, pacerControls } from './live-session.ts';
import { buildConsoleServer } from './server.ts';

const MIN = 60_000;
let app: FastifyInstance;
let session: LiveSession;
let outcome: RunOutcome;
let startMs: number;
const seen: Record<string, unknown> = {};
const responses: { status: number; body: unknown }[] = [];

beforeAll(async () => {
  const loaded = await loadScenario(resolveScenarioPath('worked-example'));
  const rules = await loadRules();
  const runbook = await loadRunbook();
  const topology = resolveTopology(loaded.scenario.topology ?? {});
  startMs = Date.parse(loaded.scenario.start.at);
  const warmupMs = 2 * MIN;
  const clock = new VirtualClock(startMs - warmupMs);
  // Fast enough for a test, paced so the console's requests interleave with drill time.
  const pacer = new Pacer(1500);
  session = new LiveSession({
    loaded,
    rules,
    runbook,
    mode: 'virtual',
    clock,
    startMs,
    regions: Object.keys(topology.regions),
    cdns: topology.cdns,
    trainer: pacerControls(pacer),
  });
  ({ app } = await buildConsoleServer({ session }));
  const act = async (body: unknown) => {
    const r = await app.inject({ method: 'POST', url: '/api/act', payload: body as object });
    responses.push({ status: r.statusCode, body: r.json() });
  };
  const at = (ms: number, f: () => Promise<void>) =>
    clock.setTimeout(() => void f(), startMs + ms - clock.now());
  outcome = await runVirtual({
    loaded,
    rules,
    rulesFile: DEFAULT_RULES,
    runbook,
    team: 'none',
    sink: session,
    clock,
    warmupMs,
    pace: pacer,
    onReady: ({ drill, engine, sim }) => {
      session.attach({
        desk: drill.desk,
        record: (e) => drill.record(e),
        engine,
        dashboards: new VirtualDashboards(sim, engine, Object.keys(loaded.scenario.population.channels)),
      });
      at(11 * MIN, async () => {
        await act({ kind: 'acknowledge', role: 'oncall' });
        await act({ kind: 'declare', role: 'oncall', severity: 'SEV2' });
        await act({ kind: 'dashboard', role: 'ops', dashboard: 'cdn-edge' });
        seen.dashboards = (await app.inject('/api/dashboards')).json();
        seen.cdnEdge = (await app.inject('/api/dashboards/cdn-edge')).json();
        seen.beforeSteer = session.snapshot();
        seen.trainer = (await app.inject('/api/trainer')).json();
        await act({ kind: 'mitigate', role: 'ops', lever: 'steer', args: { region: 'emea', cdn: 'cdn-b' } });
        await act({
          kind: 'status',
          role: 'comms',
          state: 'identified',
          message: 'EMEA moved to our secondary CDN',
        });
        await act({ kind: 'declare', role: 'oncall', severity: 'SEV9' });
      });
      at(19 * MIN, async () => {
        seen.afterSteer = session.snapshot();
      });
    },
  });
  session.finish();
}, 120_000);

describe('the console over a paced virtual replay', () => {
  it('takes the actions posted to /api/act, journals them with their role, and refuses bad ones clearly', () => {
    expect(responses.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses[5]).toMatchObject({ status: 400, body: { error: expect.stringMatching(/severity/) } });
    const types = outcome.events.map((e) => e.type);
    for (const t of [
      'action.acknowledge',
      'action.declare',
      'action.dashboard',
      'lever.pulled',
      'action.mitigate',
      'action.status',
    ])
      expect(types).toContain(t);
    const steer = outcome.events.find((e) => e.type === 'action.mitigate')!;
    expect(steer).toMatchObject({ role: 'ops', lever: 'steer', args: { region: 'emea', cdn: 'cdn-b' } });
  });

  it('moves EMEA viewers to cdn-b when the steer button is pulled', () => {
    const before = seen.beforeSteer as ConsoleSnapshot;
    const after = seen.afterSteer as ConsoleSnapshot;
    const emeaOnB = (s: ConsoleSnapshot) => s.latest!.byCdn['cdn-b']!.current_viewers;
    expect(before.latest!.byRegion.emea!.rebuffering_share).toBeGreaterThan(0.05);
    expect(emeaOnB(after)).toBeGreaterThan(emeaOnB(before) * 2);
    const split = (s: ConsoleSnapshot, r: string, c: string) =>
      s.latest!.byRegionCdn![r]![c]!.current_viewers;
    expect(split(after, 'emea', 'cdn-b')).toBeGreaterThan(split(after, 'emea', 'cdn-a') * 5);
    expect(split(after, 'na', 'cdn-b')).toBeLessThan(split(after, 'na', 'cdn-a'));
    expect(after.latest!.byRegion.emea!.rebuffering_share).toBeLessThan(0.03);
    expect(after.incident.mitigations[0]).toMatchObject({
      role: 'ops',
      lever: 'steer',
      undo: { lever: 'steer', args: { region: 'emea', cdn: 'cdn-a' } },
    });
  });

  it('shows alerts, the incident, the status page and the scribe timeline from the journal', () => {
    const s = seen.afterSteer as ConsoleSnapshot;
    expect(s.alerts.some((a) => a.rule === 'RebufferPage' && a.labels.region === 'emea')).toBe(true);
    expect(s.incident.declared).toMatchObject({ severity: 'SEV2', role: 'oncall' });
    expect(s.status[0]).toMatchObject({ state: 'identified', role: 'comms' });
    const texts = s.timeline.map((e) => `${e.role}: ${e.text}`);
    expect(texts.some((t) => /^system: alert firing: RebufferPage/.test(t))).toBe(true);
    expect(texts).toContain('ops: mitigated: pulled the steer lever (region=emea, cdn=cdn-b)');
    expect(texts).toContain('ops: opened the CDN edge health per POP dashboard');
  });

  it('serves the seven dashboards in the playbook order, the hot POPs highlighted', () => {
    const list = seen.dashboards as DashboardSummary[];
    expect(list.map((d) => d.id)).toEqual([
      'origin',
      'packager',
      'cdn-edge',
      'manifest',
      'drm',
      'player-errors',
      'isp-cdn',
    ]);
    const edge = seen.cdnEdge as { status: string; tables: { rows: string[][]; hot: number[] }[] };
    expect(edge.status).toBe('bad');
    const hotPops = edge.tables[0]!.hot.map((i) => edge.tables[0]!.rows[i]!.slice(0, 2).join('/'));
    expect(hotPops.length).toBeGreaterThan(0);
    expect(hotPops.every((p) => p.startsWith('cdn-a/'))).toBe(true);
  });

  it('has live QoE history with a fault-free baseline and a trainer view of the ground truth', async () => {
    const info = (await app.inject('/api/info')).json() as ConsoleInfo;
    expect(info.trainer).toBe(true);
    expect(info.baseline!.byRegion.emea!.rebuffering_share).toBeLessThan(0.02);
    expect(info.levers.find((l) => l.id === 'steer-emea-cdn-b')).toBeTruthy();
    const qoe = (await app.inject('/api/qoe')).json() as QoePoint[];
    expect(qoe.length).toBeGreaterThan(200);
    const since = qoe[100]!.t;
    const tail = (await app.inject(`/api/qoe?since=${since}`)).json() as QoePoint[];
    expect(tail.length).toBe(qoe.length - 101);
    const trainer = seen.trainer as TrainerView;
    expect(trainer.faults.length).toBeGreaterThan(0);
    expect(trainer.expected).toMatchObject({ severity: 'SEV2' });
    expect(trainer.impact!.byRegion.emea).toBeGreaterThan(0.05);
  });

  it('scores the journal at the end and refuses actions after it', async () => {
    const s = session.snapshot();
    expect(s.clock.phase).toBe('ended');
    expect(s.scorecard!.items.length).toBeGreaterThan(10);
    const r = await app.inject({ method: 'POST', url: '/api/act', payload: { kind: 'resolve', role: 'ic' } });
    expect(r.statusCode).toBe(409);
  });

  it('edits a scribe note and journals the edit', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/timeline/1/note',
      payload: { role: 'scribe', text: 'checked' },
    });
    expect(r.statusCode).toBe(200);
    expect(session.snapshot().timeline[1]!.note).toBe('checked');
    expect(session.events.at(-1)).toMatchObject({ type: 'scribe.note', entry: 1, role: 'scribe' });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/timeline/1/note',
      payload: { role: 'boss', text: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/role: expected one of/);
  });

  it('answers bad requests with clear errors', async () => {
    expect((await app.inject('/api/dashboards/nope')).json().error).toMatch(
      /unknown dashboard "nope": expected one of origin/,
    );
    expect((await app.inject('/api/qoe?since=abc')).statusCode).toBe(400);
    const ctl = await app.inject({
      method: 'POST',
      url: '/api/trainer/control',
      payload: { op: 'speed', speed: -1 },
    });
    expect(ctl.statusCode).toBe(400);
    expect(ctl.json().error).toMatch(/speed/);
  });
});

describe('the console server beyond loopback', () => {
  it('requires the shared token on every API route', async () => {
    const { app: exposed, token } = await buildConsoleServer({ session, host: '0.0.0.0' });
    expect(token).toBeTruthy();
    expect((await exposed.inject('/api/info')).statusCode).toBe(401);
    expect(
      (await exposed.inject({ url: '/api/info', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401);
    expect(
      (await exposed.inject({ url: '/api/info', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    expect((await exposed.inject(`/api/snapshot?token=${token}`)).statusCode).toBe(200);
    await exposed.close();
  });
});
