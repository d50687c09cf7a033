/**
 * A small hand-built journal for the report tests: a regional CDN incident (EMEA on cdn-a), paged,
 * acknowledged, declared SEV2, mitigated twice (steer with a follow-up, then a rollback without
 * one), resolved too early. One responder's name appears in an assignment and a note, so tests can
 * check the review stays blameless. Fast and deterministic, unlike a simulated run.
 */
import type { JournalEvent } from '../../core/journal.ts';
import type { ImpactFigures } from '../../incident/impact.ts';

export const START = Date.parse('2026-11-21T19:33:00Z');
export const PERSON = 'Alice Example';
export const FOLLOW_UP = 'cdn-a FRA edge 503s - root cause with the CDN, then steer back';
const MIN = 60_000;

const fig = (viewers: number, rebuf: number, start = 0.002): ImpactFigures =>
  // `as`: journals from before videoStartFailureShare existed lack it; the report must not need it.
  ({
    viewers,
    rebufferingShare: rebuf,
    rebufferRatio: rebuf / 3,
    startFailureShare: start,
    startAttempts: viewers / 20,
    videoStartFailureShare: start / 2,
    affectedShare: rebuf + start / 4,
  }) as ImpactFigures;

/** EMEA rebuffering over time (the fault's shape): up from 1m30s, down after the 10m steer. */
function emeaRebuffering(t: number): number {
  const m = (t - START) / MIN;
  if (m < 2) return 0.007;
  if (m < 10.25) return Math.min(0.2, 0.007 + (m - 2) * 0.04);
  return Math.max(0.007, 0.2 - (m - 10.25) * 0.08);
}

export function sampleJournal(): JournalEvent[] {
  const ev: JournalEvent[] = [];
  const at = (offsetMs: number, type: string, payload: Record<string, unknown> = {}) =>
    ev.push({ v: 1, t: START + offsetMs, type, ...payload });
  at(0, 'run.started', {
    scenario: 'fixture-cdn',
    title: 'Fixture: EMEA edge failing on cdn-a',
    mode: 'virtual',
    seed: 7,
    startAt: '2026-11-21T19:33:00Z',
    timeZone: 'Europe/Berlin',
    durationMs: 30 * MIN,
    rules: 'default.yaml',
    team: 'script',
    population: { viewers: 800_000, sessions: 10_000 },
    expect: {
      severity: 'SEV2',
      scope: { region: 'emea', cdn: 'cdn-a' },
      mitigations: ['steer'],
      alerts: {
        mustFire: [{ alert: 'RebufferPage', labels: { region: 'emea' }, within: 5 * MIN }],
        mustNotFire: [{ alert: 'VideoStartFailurePage', labels: {} }],
      },
    },
  });
  const actions: [number, string, Record<string, unknown>][] = [
    [5 * MIN + 40_000, 'acknowledge', { role: 'oncall' }],
    [5 * MIN + 50_000, 'assign', { role: 'ic', assignee: 'ic', alias: PERSON }],
    [6 * MIN, 'scope', { role: 'oncall', region: 'emea', cdn: 'cdn-a' }],
    [7 * MIN, 'declare', { role: 'oncall', severity: 'SEV2' }],
    [
      8 * MIN,
      'status',
      { role: 'comms', state: 'investigating', message: 'Investigating rebuffering in EMEA.' },
    ],
    [8 * MIN + 30_000, 'dashboard', { role: 'ops', dashboard: 'cdn-edge' }],
    [8 * MIN + 40_000, 'dashboard', { role: 'ops', dashboard: 'isp-cdn' }],
    [9 * MIN, 'note', { role: 'ic', text: `${PERSON} decides to steer EMEA to cdn-b & <watch> "it"` }],
  ];
  for (let t = 15_000; t <= 30 * MIN; t += 15_000) {
    const abs = START + t;
    // Faults, alerts and actions land before the sample of the same tick, as in a real journal.
    if (t === 90_000)
      at(t, 'fault.applied', {
        step: 'fra-503',
        fault: 'http-status',
        target: { component: 'edge', cdn: 'cdn-a', pop: 'fra', kind: 'segment' },
        params: { status: 503, share: 0.4 },
      });
    if (t === 4 * MIN)
      at(t, 'alert.pending', {
        rule: 'RebufferPage',
        action: 'page',
        labels: { region: 'emea' },
        value: 0.09,
      });
    if (t === 5 * MIN) {
      at(t, 'alert.firing', {
        rule: 'RebufferPage',
        action: 'page',
        labels: { region: 'emea' },
        value: 0.13,
        summary: 'More than 5% of current viewers are rebuffering',
      });
      at(t, 'page.sent', { to: ['oncall'], rule: 'RebufferPage', labels: { region: 'emea' } });
      at(t, 'alert.firing', {
        rule: 'RebufferTicket',
        action: 'ticket',
        labels: { region: 'emea' },
        value: 0.13,
      });
    }
    for (const [off, kind, args] of actions)
      if (off > t - 15_000 && off <= t) at(off, `action.${kind}`, args);
    if (t === 10 * MIN) {
      const steer = { region: 'emea', cdn: 'cdn-b' };
      at(t, 'lever.pulled', {
        lever: 'steer',
        args: steer,
        summary: 'EMEA steered to cdn-b',
        undo: 'steer emea back to cdn-a',
        role: 'ops',
      });
      at(t, 'action.mitigate', { role: 'ops', lever: 'steer', args: steer });
    }
    if (t === 10 * MIN + 30_000)
      at(t, 'action.followup', { role: 'ic', title: FOLLOW_UP, due: '2026-11-24' });
    if (t === 12 * MIN) {
      at(t, 'lever.pulled', {
        lever: 'rollback',
        args: { component: 'packager' },
        summary: 'packager rolled back to 3.4.2',
        undo: 'redeploy packager 3.5.0',
        role: 'ops',
      });
      at(t, 'action.mitigate', { role: 'ops', lever: 'rollback', args: { component: 'packager' } });
      at(t, 'session.playerError', {
        sid: 's1',
        labels: { device: 'tv', drm: 'playready', isp: 'eu-cable', cdn: 'cdn-a', player: 'shaka' },
        weight: 80,
        data: {
          error: { player: 'shaka', category: 'NETWORK', code: '1001', fatal: false, httpStatus: 503 },
        },
      });
    }
    if (t === 13 * MIN)
      at(t, 'alert.resolved', {
        rule: 'RebufferPage',
        action: 'page',
        labels: { region: 'emea' },
        value: 0.01,
      });
    if (t === 20 * MIN) at(t, 'fault.removed', { step: 'fra-503', reason: 'duration' });
    if (t === 25 * MIN) {
      at(t, 'action.resolve', { role: 'ic' });
      at(t, 'action.review', { role: 'ic', scheduledFor: '2026-11-24' });
    }
    const emea = emeaRebuffering(abs);
    const na = 0.007;
    const steered = t > 10.25 * MIN;
    const eV = 440_000;
    const nV = 360_000;
    const global = fig(eV + nV, (emea * eV + na * nV) / (eV + nV));
    at(t, 'impact.sample', {
      global,
      slices: {
        region: { emea: fig(eV, emea), na: fig(nV, na) },
        cdn: steered
          ? { 'cdn-a': fig(nV, na), 'cdn-b': fig(eV, emea) }
          : {
              'cdn-a': fig(eV + nV * 0.9, (emea * eV + na * nV * 0.9) / (eV + nV * 0.9)),
              'cdn-b': fig(nV * 0.1, na),
            },
        pop: {
          fra: fig(200_000, steered ? 0.007 : emea * 1.8),
          ams: fig(240_000, emea / 3),
          iad: fig(nV, na),
        },
        isp: { 'eu-cable': fig(300_000, emea), 'us-fiber': fig(nV, na) },
        device: {
          tv: fig(300_000, global.rebufferingShare, 0.01),
          desktop: fig(500_000, global.rebufferingShare),
        },
      },
    });
  }
  at(30 * MIN, 'run.ended', { reason: 'end' });
  return ev;
}

export const toJsonl = (events: JournalEvent[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
