/**
 * `deploy`: a release of a component (encoder, packager, a player) as a scenario steps it. Known-bad
 * versions bring their defect through the stack's deploy registry (origin-stub/control/deploys.ts);
 * removing the step rolls the deploy back, as its owner would.
 */
import { z } from 'zod';
import type { ChangeModule, FaultIssue, FaultLocation, FaultTargets, Party } from '../fault.ts';
import { unknownKeyError } from '../params.ts';

const version = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^[0-9A-Za-z.+-]{1,32}$/, 'a version like 1.2.3'));

const schema = z.strictObject(
  { component: z.string().min(1), version },
  { error: unknownKeyError('deploy parameters', ['component', 'version']) },
);

/** Whose component it is: `player-<id>` is a player; the encoder and the packager are their own. */
function partyOf(component: string): { party: Party; player?: string } {
  if (component.startsWith('player-')) return { party: 'player', player: component.slice('player-'.length) };
  if (component === 'encoder' || component === 'packager') return { party: component };
  return { party: 'origin' };
}

export const deploy = {
  type: 'deploy' as const,
  description: 'deploys a version of a component (encoder, packager, a player); known-bad versions break',
  modelled: "the deploy registry's defect for that version, as in the real stack",
  layer: 'change' as const,
  schema,
  rampable: {},
  compile(params: Record<string, unknown>) {
    return {
      layer: 'deploy' as const,
      component: String(params.component ?? ''),
      version: String(params.version ?? ''),
    };
  },
  check(params: Record<string, unknown>, targets: FaultTargets): FaultIssue[] {
    const c = params.component;
    if (typeof c !== 'string' || targets.components.includes(c)) return [];
    return [
      {
        path: ['component'],
        message: `unknown component '${c}' (components: ${targets.components.join(', ')})`,
      },
    ];
  },
  locate(params: Record<string, unknown>): FaultLocation[] {
    const component = String(params.component);
    const { party, player } = partyOf(component);
    return [
      {
        party,
        component: party === 'player' ? 'player' : component,
        ...(player ? { player: [player] } : {}),
        version: String(params.version),
        owners: [`sme:${party}`],
      },
    ];
  },
} satisfies ChangeModule;
