import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../test/support/faults.ts';
import { deploy } from './deploy.ts';

describe('deploy', () => {
  it('compiles to the stack’s deploy call; YAML numbers are versions too', () => {
    expect(deploy.compile({ component: 'packager', version: '3.5.0' })).toEqual({
      layer: 'deploy',
      component: 'packager',
      version: '3.5.0',
    });
    expect(deploy.schema.safeParse({ component: 'encoder', version: 5.2 }).success).toBe(true);
    expect(deploy.schema.safeParse({ component: 'encoder' }).success).toBe(false);
  });

  it('refuses a component the stack does not have, naming those it has', () => {
    expect(deploy.check({ component: 'toaster', version: '1' }, TARGETS)).toEqual([
      {
        path: ['component'],
        message: `unknown component 'toaster' (components: ${TARGETS.components.join(', ')})`,
      },
    ]);
  });

  it('lives in the deployed component: the packager, or a player', () => {
    expect(deploy.locate({ component: 'packager', version: '3.5.0' })).toEqual([
      { party: 'packager', component: 'packager', version: '3.5.0', owners: ['sme:packager'] },
    ]);
    expect(deploy.locate({ component: 'player-shaka', version: '5.3.0' })).toEqual([
      { party: 'player', component: 'player', player: ['shaka'], version: '5.3.0', owners: ['sme:player'] },
    ]);
  });
});
