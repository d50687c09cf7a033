/**
 * timeout: stops all data (dropped, as in Toxiproxy) and closes the connection after `timeout` ms;
 * 0 holds it open until the toxic is removed. If the source closes meanwhile, the link ends at once.
 */
import type { Attributes, StageContext, ToxicDefinition } from './toxic.ts';

export const timeout: ToxicDefinition = {
  type: 'timeout',
  defaults: { timeout: 0 },
  create(attributes: Attributes, ctx: StageContext) {
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number): void => {
      ctx.clearTimer(timer);
      timer = ms > 0 ? ctx.setTimer(() => ctx.close(), ms) : undefined;
    };
    arm(attributes.timeout ?? 0);
    return {
      onData: () => {},
      onEnd: () => {
        ctx.clearTimer(timer);
        ctx.close();
      },
      update: (next) => arm(next.timeout ?? 0),
      drain: () => ctx.clearTimer(timer),
      heldBytes: () => 0,
    };
  },
};
