/**
 * bandwidth: limits the link to `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy). 0 means unlimited.
 * Each piece is released when its transmission time has elapsed; deadlines accumulate, so timer
 * granularity does not make the rate drift.
 */
import { type Attributes, type StageContext, TimedQueue, type ToxicDefinition } from './toxic.ts';

/** Toxiproxy sends big chunks in pieces of 100 ms worth of data. */
const PIECE_MS = 100;

export const bandwidth: ToxicDefinition = {
  type: 'bandwidth',
  defaults: { rate: 0 },
  create(attributes: Attributes, ctx: StageContext) {
    let rate = attributes.rate ?? 0; // bytes per ms == KB/s
    const queue = new TimedQueue(ctx);
    return {
      onData(chunk) {
        if (rate <= 0) {
          queue.push(chunk, ctx.now());
          return;
        }
        const pieceBytes = Math.max(1, rate * PIECE_MS);
        let at = Math.max(ctx.now(), queue.lastReleaseAt() ?? 0);
        for (let offset = 0; offset < chunk.length; offset += pieceBytes) {
          const piece = chunk.subarray(offset, Math.min(chunk.length, offset + pieceBytes));
          at += piece.length / rate;
          queue.push(piece, at);
        }
      },
      onEnd: () => queue.push(null, ctx.now()),
      update(next) {
        rate = next.rate ?? 0;
      },
      drain: () => queue.flush(),
      heldBytes: () => queue.held(),
    };
  },
};
