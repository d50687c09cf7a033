/** limit_data: lets exactly `bytes` bytes through this link, then closes the connection. */
import type { Attributes, StageContext, ToxicDefinition } from './toxic.ts';

export const limitData: ToxicDefinition = {
  type: 'limit_data',
  defaults: { bytes: 0 },
  create(attributes: Attributes, ctx: StageContext) {
    let limit = attributes.bytes ?? 0;
    let passed = 0;
    let closed = false;
    const check = (): void => {
      if (!closed && passed >= limit) {
        closed = true;
        ctx.close();
      }
    };
    return {
      onData(chunk) {
        if (closed) return;
        const room = limit - passed;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        passed += part.length;
        if (part.length > 0) ctx.forward(part);
        check();
      },
      onEnd: () => ctx.end(),
      update(next) {
        limit = next.bytes ?? 0;
        check();
      },
      drain: () => {},
      heldBytes: () => 0,
    };
  },
};
