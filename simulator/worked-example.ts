/**
 * The playbook's worked example ("The 14-Minute SEV1"), built in code: 800,000 concurrent viewers
 * over North America and EMEA, two CDNs (cdn-a primary, cdn-b secondary on warm standby with content
 * steering), one live origin, baseline rebuffering 0.7 %.
 *
 * The fault: a misconfigured shield-tier deploy on cdn-a's EMEA shield. It rolls across the shield
 * fleet over 8 minutes (1/16 of the nodes every 30 s); misconfigured nodes pass every request
 * through to the origin, and the FRA, AMS and PAR edges see 4x their normal segment miss ratio.
 * Origin pulls climb past origin capacity, the origin queue builds, EMEA viewers on cdn-a start
 * rebuffering. The on-call steers EMEA to cdn-b at 19:49 (steering TTL 60 s: the change reaches
 * players within a minute); the CDN rolls its deploy back at 20:09; the incident closes at 20:24.
 */
import type { TopologyInput } from '../origin-stub/topology.ts';
import type { PopulationSpec } from './population.ts';
import type { TimedAction } from './run.ts';

const at = (h: number, m: number) => Date.UTC(2026, 10, 21, h, m);

/** Start of the simulated span: three minutes of steady audience before the fault. */
export const WORKED_EXAMPLE_START = at(19, 33);
export const WORKED_EXAMPLE_FAULT = at(19, 36);
/** When the article's alert fired (EMEA crossing 5 %). */
export const WORKED_EXAMPLE_ALERT = at(19, 43);
export const WORKED_EXAMPLE_STEER = at(19, 49);
export const WORKED_EXAMPLE_ROLLBACK = at(20, 9);
export const WORKED_EXAMPLE_END = at(20, 24);

/** Shield nodes the misconfiguration rolls across, one every ROLLOUT_STEP_MS. */
const ROLLOUT_STEPS = 16;
const ROLLOUT_STEP_MS = 30_000;
/** The FRA/AMS/PAR edges miss 0.05 + 0.95 x 0.158 = 20 % of segments: 4x the normal 5 %. */
const EDGE_FORCE_MISS = 0.158;

export const WORKED_EXAMPLE_POPULATION: PopulationSpec = {
  viewers: 800_000,
  sessions: 10_000,
  regions: { emea: 0.55, na: 0.45 },
  // 10 % of each region kept on the standby CDN by steering (the "viewers being steered to the
  // secondary are unaffected" of the article).
  standbyShare: 0.1,
  // The standby CDN carries 300k EMEA viewers comfortably; all of EMEA (~440k) runs it hot: the
  // article's 1.1 % after the shift, above the 0.7 % baseline.
  cdnCapacity: { 'cdn-b': { emea: 300_000 } },
  baselineRebufferPercent: 0.7,
};

export const WORKED_EXAMPLE_TOPOLOGY: TopologyInput = {
  // "The change propagates to the player population within 60 seconds."
  steeringTtlSeconds: 60,
};

/** The timeline: the rolling shield misconfiguration, the steering shift, the CDN's rollback. */
export function workedExampleActions(): TimedAction[] {
  const from = (t: number) => t - WORKED_EXAMPLE_START;
  const actions: TimedAction[] = [
    {
      atMs: from(WORKED_EXAMPLE_FAULT),
      label: 'cdn-a EMEA edges: 4x segment misses',
      run: (s) =>
        s.addHttpFault({
          id: 'edge-miss',
          type: 'cache-force-miss',
          share: EDGE_FORCE_MISS,
          match: { component: 'edge', cdn: 'cdn-a', pop: ['fra', 'ams', 'par'] },
        }),
    },
  ];
  for (let k = 1; k <= ROLLOUT_STEPS; k++) {
    actions.push({
      atMs: from(WORKED_EXAMPLE_FAULT) + (k - 1) * ROLLOUT_STEP_MS,
      label: `cdn-a EMEA shield misconfigured on ${k}/${ROLLOUT_STEPS} nodes`,
      // VirtualStack calls take effect when called: no await between them inside one clock step.
      run: (s) =>
        Promise.all([
          k > 1 ? s.removeHttpFault(`shield-miss-${k - 1}`) : undefined,
          s.addHttpFault({
            id: `shield-miss-${k}`,
            type: 'cache-force-miss',
            share: k / ROLLOUT_STEPS,
            match: { component: 'shield', cdn: 'cdn-a', region: 'emea' },
          }),
        ]),
    });
  }
  actions.push(
    {
      atMs: from(WORKED_EXAMPLE_STEER),
      label: 'steer EMEA to cdn-b',
      run: (s) => s.pullLever('steer', { region: 'emea', cdn: 'cdn-b' }),
    },
    {
      atMs: from(WORKED_EXAMPLE_ROLLBACK),
      label: 'cdn-a rolls its shield deploy back',
      run: (s) =>
        Promise.all([s.removeHttpFault('edge-miss'), s.removeHttpFault(`shield-miss-${ROLLOUT_STEPS}`)]),
    },
  );
  return actions;
}
