/**
 * Applies the fault registry to a fastify server (origin, backup origin, steering): each request's
 * facts are derived, the registry decides (each matching fault's module, faults/http/), and the
 * request is held, delayed or failed, and its response's headers set and text body rewritten,
 * accordingly. Every decision is counted per server.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import type { FaultRegistry } from '../../faults/registry.ts';
import type { RequestEffects, RequestFacts } from '../../faults/types.ts';

const EFFECTS = Symbol('streamdrill.faultEffects');
type WithEffects = FastifyRequest & { [EFFECTS]?: RequestEffects };

export interface FaultHookStats {
  hits: number;
}

export function installFaultHook(
  app: FastifyInstance,
  deps: { clock: Clock; faults: FaultRegistry; facts: (req: FastifyRequest) => RequestFacts | undefined },
): FaultHookStats {
  const stats: FaultHookStats = { hits: 0 };
  app.addHook('onRequest', async (req, reply) => {
    const facts = deps.facts(req);
    if (!facts) return;
    const effects = deps.faults.decide(facts);
    if (effects.faultIds.length === 0) return;
    stats.hits++;
    (req as WithEffects)[EFFECTS] = effects;
    if (effects.hang) await new Promise<never>(() => {}); // ended by the client or forceCloseConnections
    if (effects.delayMs) await deps.clock.sleep(effects.delayMs);
    if (effects.status) {
      return reply
        .code(effects.status)
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'no-store')
        .send({ error: `injected fault ${effects.faultIds.join(',')}` });
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const effects = (req as WithEffects)[EFFECTS];
    if (!effects) return payload;
    for (const [name, value] of Object.entries(effects.headers ?? {})) reply.header(name, value);
    if (effects.rewrite && typeof payload === 'string' && reply.statusCode === 200)
      return effects.rewrite(payload);
    return payload;
  });
  return stats;
}
