/**
 * The content-steering server (HLS Content Steering 1.0 and DASH content steering): tells players
 * which CDN pathway to prefer, per region, with a TTL. Steering a region to the other CDN — one of
 * the four mitigations — is `setPriority`.
 *
 *   GET /steer/hls?region=<r>[&_HLS_pathway=..&_HLS_throughput=..]
 *   GET /steer/dash?region=<r>[&_DASH_pathway=..&_DASH_throughput=..]
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.ts';

export interface SteeringStats {
  requests: number;
  /** Requests per region. */
  byRegion: Record<string, number>;
  /** Pathway the players reported being on when they asked (`_HLS_pathway` / `_DASH_pathway`). */
  reportedPathway: Record<string, number>;
}

export interface SteeringChange {
  region: string;
  from: string[];
  to: string[];
  atMs: number;
}

export class SteeringService {
  private readonly priorities = new Map<string, string[]>();
  private readonly counters: SteeringStats = { requests: 0, byRegion: {}, reportedPathway: {} };
  private readonly listeners = new Set<(c: SteeringChange) => void>();

  constructor(
    private readonly clock: Clock,
    readonly pathways: readonly string[],
    initial: Record<string, string[]>,
    public ttlSeconds: number,
  ) {
    for (const [region, order] of Object.entries(initial)) this.priorities.set(region, [...order]);
  }

  regions(): string[] {
    return [...this.priorities.keys()];
  }

  priority(region: string): string[] {
    const p = this.priorities.get(region);
    if (!p) throw new SteeringError(`unknown region '${region}' (regions: ${this.regions().join(', ')})`);
    return [...p];
  }

  /** Sets a region's pathway order; pathways left out keep their relative order after the given ones. */
  setPriority(region: string, order: string[]): SteeringChange {
    const from = this.priority(region);
    for (const p of order) {
      if (!this.pathways.includes(p))
        throw new SteeringError(`unknown pathway '${p}' (pathways: ${this.pathways.join(', ')})`);
    }
    const to = [...order, ...from.filter((p) => !order.includes(p))];
    this.priorities.set(region, to);
    const change = { region, from, to, atMs: this.clock.now() };
    for (const l of this.listeners) l(change);
    return change;
  }

  onChange(listener: (c: SteeringChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): SteeringStats {
    return structuredClone(this.counters);
  }

  /** The steering manifest for a region, in HLS or DASH form. */
  manifest(protocol: 'hls' | 'dash', region: string, reloadUri: string): Record<string, unknown> {
    const order = this.priority(region);
    const body: Record<string, unknown> = {
      VERSION: 1,
      TTL: this.ttlSeconds,
      'RELOAD-URI': reloadUri,
      'PATHWAY-PRIORITY': order,
    };
    // Older DASH clients read SERVICE-LOCATION-PRIORITY.
    if (protocol === 'dash') body['SERVICE-LOCATION-PRIORITY'] = order;
    return body;
  }

  readonly plugin = async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { protocol: string }; Querystring: Record<string, string | undefined> }>(
      '/steer/:protocol',
      async (req, reply) => {
        reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store');
        const protocol = req.params.protocol;
        if (protocol !== 'hls' && protocol !== 'dash') {
          return reply
            .code(404)
            .send({ error: `unknown steering protocol '${protocol}' (expected hls or dash)` });
        }
        const region = req.query.region;
        if (!region) return reply.code(400).send({ error: 'query parameter region is required' });
        let body: Record<string, unknown>;
        try {
          body = this.manifest(
            protocol,
            region,
            `${req.protocol}://${req.headers.host}${reloadUri(req.url)}`,
          );
        } catch (err) {
          return reply.code(400).send({ error: (err as Error).message });
        }
        this.counters.requests++;
        this.counters.byRegion[region] = (this.counters.byRegion[region] ?? 0) + 1;
        const reported = req.query[protocol === 'hls' ? '_HLS_pathway' : '_DASH_pathway'];
        if (reported)
          this.counters.reportedPathway[reported] = (this.counters.reportedPathway[reported] ?? 0) + 1;
        return reply.type('application/json').send(body);
      },
    );
  };
}

export class SteeringError extends Error {
  readonly statusCode = 400;
}

/**
 * RELOAD-URI: the same request without the parameters players append themselves. Absolute,
 * because Shaka resolves a relative one against the manifest URL, not the steering server's.
 */
function reloadUri(url: string): string {
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()])
    if (key.startsWith('_HLS_') || key.startsWith('_DASH_')) params.delete(key);
  const q = params.toString();
  return q ? `${path}?${q}` : path!;
}
