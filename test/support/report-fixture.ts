/**
 * A small hand-built journal for the report tests: a regional CDN incident (EMEA on cdn-a), paged,
 * acknowledged, declared SEV2, mitigated twice (steer with a follow-up, then a rollback without
 * one), resolved too early. One responder's name appears in an assignment and a note, so tests can
 * check the review stays blameless. Fast and deterministic, unlike a simulated run.
 */

import type { SessionLabels } from '../../core/events.ts';
import type { JournalEvent, JournalPayload } from '../../core/journal.ts';
import type { ImpactFigures } from '../../incident/impact.ts';

export const START = Date.parse('2026-11-21T19:33:00Z');
export const PERSON = 'Alice Example';
export const FOLLOW_UP = 'cdn-a FRA edge 503s - root cause with the CDN, then steer back';
const MIN = 60_000;
const REBUFFER_PAGE = 'More than 5% of current viewers are rebuffering';

// Figures as an older journal has them (no exitsBeforeStartShare, playbackFailureShare): the
// report must not need them.
const fig = (
  viewers: number,
  rebuf: number,
  start = 0.002,
): Omit<ImpactFigures, 'exitsBeforeStartShare' | 'playbackFailureShare'> => ({
  viewers,
  rebufferingShare: rebuf,
  rebufferRatio: rebuf / 3,
  startFailureShare: start,
  startAttempts: viewers / 20,
  videoStartFailureShare: start / 2,
  affectedShare: rebuf + start / 4,
});

const TV: SessionLabels = {
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
};

/** EMEA rebuffering over time (the fault's shape): up from 1m30s, down after the 10m steer. */
function emeaRebuffering(t: number): number {
  const m = (t - START) / MIN;
  if (m < 2) return 0.007;
  if (m < 10.25) return Math.min(0.2, 0.007 + (m - 2) * 0.04);
  return Math.max(0.007, 0.2 - (m - 10.25) * 0.08);
}

export function sampleJournal(): JournalEvent[] {
  const ev: JournalEvent[] = [];
  const at = (offsetMs: number, e: JournalPayload) => ev.push({ v: 1, t: START + offsetMs, ...e });
  at(0, {
    type: 'run.started',
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
  const actions: [number, JournalPayload][] = [
    [5 * MIN + 40_000, { type: 'action.acknowledge', role: 'oncall' }],
    [5 * MIN + 50_000, { type: 'action.assign', role: 'ic', assignee: 'ic', alias: PERSON }],
    [6 * MIN, { type: 'action.scope', role: 'oncall', region: 'emea', cdn: 'cdn-a' }],
    [7 * MIN, { type: 'action.declare', role: 'oncall', severity: 'SEV2' }],
    [
      8 * MIN,
      {
        type: 'action.status',
        role: 'comms',
        state: 'investigating',
        message: 'Investigating rebuffering in EMEA.',
      },
    ],
    [8 * MIN + 30_000, { type: 'action.dashboard', role: 'ops', dashboard: 'cdn-edge' }],
    [8 * MIN + 40_000, { type: 'action.dashboard', role: 'ops', dashboard: 'isp-cdn' }],
    [
      9 * MIN,
      {
        type: 'action.note',
        role: 'ic',
        text: `${PERSON} decides to steer EMEA to cdn-b & <watch> "it"`,
      },
    ],
  ];
  for (let t = 15_000; t <= 30 * MIN; t += 15_000) {
    const abs = START + t;
    // Faults, alerts and actions land before the sample of the same tick, as in a real journal.
    if (t === 90_000)
      at(t, {
        type: 'fault.applied',
        step: 'fra-503',
        fault: 'http-status',
        target: { component: 'edge', cdn: 'cdn-a', pop: 'fra', kind: 'segment' },
        params: { status: 503, share: 0.4 },
      });
    if (t === 4 * MIN)
      at(t, {
        type: 'alert.pending',
        rule: 'RebufferPage',
        action: 'page',
        labels: { region: 'emea' },
        value: 0.09,
        activeSince: START + t,
        summary: REBUFFER_PAGE,
      });
    if (t === 5 * MIN) {
      at(t, {
        type: 'alert.firing',
        rule: 'RebufferPage',
        action: 'page',
        labels: { region: 'emea' },
        value: 0.13,
        activeSince: START + 4 * MIN,
        summary: REBUFFER_PAGE,
      });
      at(t, { type: 'page.sent', to: ['oncall'], rule: 'RebufferPage', labels: { region: 'emea' } });
      at(t, {
        type: 'alert.firing',
        rule: 'RebufferTicket',
        action: 'ticket',
        labels: { region: 'emea' },
        value: 0.13,
        activeSince: START + t,
        summary: 'More than 2% of current viewers are rebuffering',
      });
    }
    for (const [off, action] of actions) if (off > t - 15_000 && off <= t) at(off, action);
    if (t === 10 * MIN) {
      const steer = { region: 'emea', cdn: 'cdn-b' };
      // As the incident desk journals it: the undo is a lever call.
      at(t, {
        type: 'lever.pulled',
        lever: 'steer',
        args: steer,
        summary: 'EMEA steered to cdn-b',
        undo: { lever: 'steer', args: { region: 'emea', cdn: 'cdn-a' } },
        role: 'ops',
      });
      at(t, { type: 'action.mitigate', role: 'ops', lever: 'steer', args: steer });
    }
    if (t === 10 * MIN + 30_000)
      at(t, { type: 'action.followup', role: 'ic', title: FOLLOW_UP, due: '2026-11-24' });
    if (t === 12 * MIN) {
      at(t, {
        type: 'lever.pulled',
        lever: 'rollback',
        args: { component: 'packager' },
        summary: 'packager rolled back to 3.4.2',
        undo: { lever: 'rollback', args: { component: 'packager' } },
        role: 'ops',
      });
      at(t, { type: 'action.mitigate', role: 'ops', lever: 'rollback', args: { component: 'packager' } });
      at(t, {
        type: 'session.playerError',
        sid: 's1',
        labels: TV,
        weight: 80,
        data: {
          error: { player: 'shaka', category: 'NETWORK', code: '1001', fatal: false, httpStatus: 503 },
        },
      });
    }
    if (t === 13 * MIN)
      at(t, {
        type: 'alert.resolved',
        rule: 'RebufferPage',
        action: 'page',
        labels: { region: 'emea' },
        value: 0.01,
        activeSince: START + 4 * MIN,
        summary: REBUFFER_PAGE,
      });
    if (t === 20 * MIN) at(t, { type: 'fault.removed', step: 'fra-503', reason: 'duration' });
    if (t === 25 * MIN) {
      at(t, { type: 'action.resolve', role: 'ic' });
      at(t, { type: 'action.review', role: 'ic', scheduledFor: '2026-11-24' });
    }
    const emea = emeaRebuffering(abs);
    const na = 0.007;
    const steered = t > 10.25 * MIN;
    const eV = 440_000;
    const nV = 360_000;
    const global = fig(eV + nV, (emea * eV + na * nV) / (eV + nV));
    at(t, {
      type: 'impact.sample',
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
  at(30 * MIN, { type: 'run.ended', reason: 'end' });
  return ev;
}

export const toJsonl = (events: JournalEvent[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
