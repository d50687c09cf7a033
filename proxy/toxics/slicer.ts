/**
 * slicer: cuts data into pieces of `average_size` ± `size_variation` bytes, `delay` microseconds
 * apart, to exercise clients that assume one read returns one message.
 */
import { type Attributes, type StageContext, TimedQueue, type ToxicDefinition } from './toxic.ts';

export const slicer: ToxicDefinition = {
  type: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  validate(attrs) {
    if ((attrs.size_variation ?? 0) >= (attrs.average_size ?? 0) && (attrs.average_size ?? 0) > 0) {
      return 'size_variation must be smaller than average_size';
    }
    return undefined;
  },
  create(attributes: Attributes, ctx: StageContext) {
    let attrs = attributes;
    const queue = new TimedQueue(ctx);
    const sliceSize = (): number => {
      const avg = attrs.average_size ?? 0;
      const variation = attrs.size_variation ?? 0;
      if (variation <= 0) return avg;
      return avg - variation + ctx.rng.int(variation * 2 + 1);
    };
    return {
      onData(chunk) {
        const avg = attrs.average_size ?? 0;
        if (avg <= 0) {
          queue.push(chunk, ctx.now());
          return;
        }
        const gapMs = (attrs.delay ?? 0) / 1000;
        let at = Math.max(ctx.now(), queue.lastReleaseAt() ?? 0);
        let offset = 0;
        while (offset < chunk.length) {
          const size = Math.max(1, sliceSize());
          queue.push(chunk.subarray(offset, offset + size), at);
          offset += size;
          at += gapMs;
        }
      },
      onEnd: () => queue.push(null, ctx.now()),
      update(next) {
        attrs = next;
      },
      drain: () => queue.flush(),
      heldBytes: () => queue.held(),
    };
  },
};
