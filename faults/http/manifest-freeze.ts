/**
 * `manifest-freeze`: the channel's manifests stop advancing at the moment the fault is added (a
 * stuck packager). It acts on the channel as the origin packages it: without a `component` on both
 * origins, with `component: origin` on the primary only (failing over is then a real fix).
 */
import { defineHttpFault } from './define.ts';

export const manifestFreeze = defineHttpFault({
  type: 'manifest-freeze',
  description: "the channel's manifests stop advancing (a stuck packager)",
  modelled: 'the live edge of the channel stops where the fault began; players run dry and stall',
  params: {},
  acts: { components: ['origin', 'backup-origin'], kinds: ['manifest'], party: 'packager' },
  channel(f, state) {
    state.frozenAtMs = Math.min(state.frozenAtMs ?? Number.POSITIVE_INFINITY, f.addedAtMs);
  },
});
