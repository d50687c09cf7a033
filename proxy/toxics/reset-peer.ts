/**
 * reset_peer: when data (or the end of stream) first reaches the toxic, waits `timeout` ms (0 = at
 * once) and resets both sides with a TCP RST. Data is dropped meanwhile, as in Toxiproxy: passing
 * it on could let a graceful close (FIN) win the race against the reset.
 */
import type { Attributes, StageContext, ToxicDefinition } from './toxic.ts';

export const resetPeer: ToxicDefinition = {
  type: 'reset_peer',
  defaults: { timeout: 0 },
  create(attributes: Attributes, ctx: StageContext) {
    let ms = attributes.timeout ?? 0;
    let timer: NodeJS.Timeout | undefined;
    const trigger = (): void => {
      if (timer) return;
      timer = ctx.setTimer(() => ctx.reset(), ms);
    };
    return {
      onData: trigger,
      onEnd: trigger,
      update(next) {
        ms = next.timeout ?? 0;
      },
      drain: () => ctx.clearTimer(timer),
      heldBytes: () => 0,
    };
  },
};
