/** `av-drift`: audio timestamps drift from video by `msPerMinute` per minute of fault (A/V drift). */
import { z } from 'zod';
import { defineHttpFault } from './define.ts';

export const avDrift = defineHttpFault({
  type: 'av-drift',
  description: 'audio timestamps drift from video by msPerMinute per minute of fault',
  modelled: 'the drift eats into the buffer the model players can play; past a limit they stall',
  params: { msPerMinute: z.number().min(-60_000).max(60_000).default(500) },
  acts: { components: ['origin', 'backup-origin'], kinds: ['segment'], party: 'packager' },
  channel(f, state, now) {
    const { msPerMinute, addedAtMs } = f;
    const prev = state.audioOffsetMs;
    // Drift grows with fault time: segments served later are further off.
    state.audioOffsetMs = (n) => (prev?.(n) ?? 0) + (msPerMinute * Math.max(0, now() - addedAtMs)) / 60_000;
  },
});
