/** slow_close: passes data through but delays the close (end of stream) by `delay` ms. */
import type { Attributes, StageContext, ToxicDefinition } from './toxic.ts';

export const slowClose: ToxicDefinition = {
  type: 'slow_close',
  defaults: { delay: 0 },
  create(attributes: Attributes, ctx: StageContext) {
    let delay = attributes.delay ?? 0;
    let pending: NodeJS.Timeout | undefined;
    let ended = false;
    return {
      onData: (chunk) => ctx.forward(chunk),
      onEnd() {
        if (ended) return;
        ended = true;
        pending = ctx.setTimer(() => {
          pending = undefined;
          ctx.end();
        }, delay);
      },
      update(next) {
        delay = next.delay ?? 0;
      },
      drain() {
        if (pending) {
          ctx.clearTimer(pending);
          pending = undefined;
          ctx.end();
        }
      },
      heldBytes: () => 0,
    };
  },
};
