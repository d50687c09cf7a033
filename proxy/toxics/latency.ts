/**
 * latency: delays every chunk by `latency` ms ± `jitter` ms. Pipelined like Toxiproxy: the delay
 * counts from when the chunk arrived, so a burst is not delayed once per chunk.
 */
import { type Attributes, type StageContext, TimedQueue, type ToxicDefinition } from './toxic.ts';

export const latency: ToxicDefinition = {
  type: 'latency',
  defaults: { latency: 0, jitter: 0 },
  create(attributes: Attributes, ctx: StageContext) {
    let attrs = attributes;
    const queue = new TimedQueue(ctx);
    const delay = (): number => {
      const { latency: base = 0, jitter = 0 } = attrs;
      // Toxiproxy draws an integer in [-jitter, +jitter).
      return jitter > 0 ? base + ctx.rng.int(jitter * 2) - jitter : base;
    };
    return {
      onData: (chunk) => queue.push(chunk, ctx.now() + delay()),
      onEnd: () => queue.push(null, ctx.now()),
      update: (next) => {
        attrs = next;
      },
      drain: () => queue.flush(),
      heldBytes: () => queue.held(),
    };
  },
};
