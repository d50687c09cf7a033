/** `segment-gap`: the packager loses `length` segments out of every `every` (EXT-X-GAP in HLS, 404s). */
import { z } from 'zod';
import { defineHttpFault } from './define.ts';

export const segmentGap = defineHttpFault({
  type: 'segment-gap',
  description: 'the packager loses length segments out of every every (EXT-X-GAP, 404)',
  modelled: 'the lost segments are holes in the channel the model players skip or stall on',
  params: {
    every: z.number().int().min(2).max(1000).default(5),
    length: z.number().int().min(1).max(100).default(1),
  },
  acts: { components: ['origin', 'backup-origin'], kinds: ['manifest', 'segment'], party: 'packager' },
  channel(f, state) {
    const { every, length } = f;
    const prev = state.isGap;
    state.isGap = (n) => (prev?.(n) ?? false) || n % every < length;
  },
});
