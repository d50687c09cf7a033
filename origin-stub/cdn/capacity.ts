/**
 * Origin capacity: at most `concurrency` requests are served at once, each holds its slot for at
 * least `serviceMs` of Clock time, the rest wait in FIFO order. The latency of an origin pull
 * therefore grows with the number of concurrent pulls, so a miss storm really slows delivery.
 *
 * Plugging it into the origin's fastify app (hooks on the app itself, not an encapsulated child):
 *
 *   const gate = createCapacityGate({ clock, concurrency: 8, serviceMs: 40 });
 *   await app.register(capacityPlugin(gate));   // before the routes it should cover
 *   await app.register(origin.plugin);
 *
 * Every request then waits for a slot before its handler runs (onRequest), its response is held
 * until the slot's service time has passed (onSend), and the slot is freed when the response has
 * been sent or the client went away.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../core/clock.ts';

export interface CapacityOptions {
  clock: Clock;
  /** Requests served at once (>= 1). */
  concurrency: number;
  /** Minimum time a request holds its slot, in Clock ms (>= 0). */
  serviceMs: number;
}

export interface CapacityStats {
  /** Slots granted since start. */
  admitted: number;
  /** Slots released since start. */
  completed: number;
  inFlight: number;
  queued: number;
  maxInFlight: number;
  maxQueued: number;
  /** Time spent waiting for a slot, Clock ms, over admitted requests. */
  waitMs: { count: number; sum: number; max: number };
}

export interface Slot {
  /** Clock time the slot was granted. */
  readonly grantedAtMs: number;
  /** Resolves once the slot has been held for serviceMs. */
  serviceDone(): Promise<void>;
  /** Frees the slot (idempotent). */
  release(): void;
}

export interface CapacityGate {
  /** Runs fn in a slot; settles when fn has settled and serviceMs has passed, whichever is later. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Waits for a slot; the caller must release() it. */
  acquire(): Promise<Slot>;
  inFlight(): number;
  queued(): number;
  stats(): CapacityStats;
}

export function createCapacityGate(opts: CapacityOptions): CapacityGate {
  const { clock } = opts;
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, got ${opts.concurrency}`);
  }
  if (!Number.isFinite(opts.serviceMs) || opts.serviceMs < 0) {
    throw new Error(`serviceMs must be a number >= 0, got ${opts.serviceMs}`);
  }
  const waiting: { since: number; grant: (slot: Slot) => void }[] = [];
  let active = 0;
  const s = { admitted: 0, completed: 0, maxInFlight: 0, maxQueued: 0, wait: { count: 0, sum: 0, max: 0 } };

  const makeSlot = (since: number): Slot => {
    active++;
    s.admitted++;
    s.maxInFlight = Math.max(s.maxInFlight, active);
    const grantedAtMs = clock.now();
    const waited = grantedAtMs - since;
    s.wait.count++;
    s.wait.sum += waited;
    s.wait.max = Math.max(s.wait.max, waited);
    let released = false;
    return {
      grantedAtMs,
      serviceDone: () => {
        // No wait when the service time is already over (and none at all with serviceMs 0, so a
        // stack on a VirtualClock answers without the clock being advanced).
        const wait = grantedAtMs + opts.serviceMs - clock.now();
        return wait > 0 ? clock.sleep(wait) : Promise.resolve();
      },
      release: () => {
        if (released) return;
        released = true;
        active--;
        s.completed++;
        const next = waiting.shift();
        if (next) next.grant(makeSlot(next.since));
      },
    };
  };

  const acquire = (): Promise<Slot> => {
    const since = clock.now();
    if (active < opts.concurrency && waiting.length === 0) return Promise.resolve(makeSlot(since));
    return new Promise((grant) => {
      waiting.push({ since, grant });
      s.maxQueued = Math.max(s.maxQueued, waiting.length);
    });
  };

  return {
    acquire,
    async run<T>(fn: () => Promise<T>): Promise<T> {
      const slot = await acquire();
      try {
        const [result] = await Promise.allSettled([fn(), slot.serviceDone()]);
        if (result.status === 'rejected') throw result.reason;
        return result.value;
      } finally {
        slot.release();
      }
    },
    inFlight: () => active,
    queued: () => waiting.length,
    stats: () => ({
      admitted: s.admitted,
      completed: s.completed,
      inFlight: active,
      queued: waiting.length,
      maxInFlight: s.maxInFlight,
      maxQueued: s.maxQueued,
      waitMs: { ...s.wait },
    }),
  };
}

const SLOT = Symbol('capacity-slot');
type WithSlot = { [SLOT]?: Slot };

/**
 * A fastify plugin that puts every request of the app behind the gate. It is marked
 * `skip-override` (what fastify-plugin does) so its hooks apply to the app it is registered on.
 */
export function capacityPlugin(gate: CapacityGate): FastifyPluginAsync {
  const plugin = async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', async (req, reply) => {
      const slot = await gate.acquire();
      (req as WithSlot)[SLOT] = slot;
      // Freed when the response is done or the connection drops, whichever comes first.
      reply.raw.once('close', () => slot.release());
      if (reply.raw.destroyed) slot.release();
    });
    app.addHook('onSend', async (req) => {
      await (req as WithSlot)[SLOT]?.serviceDone();
    });
    app.addHook('onResponse', async (req) => {
      (req as WithSlot)[SLOT]?.release();
    });
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
