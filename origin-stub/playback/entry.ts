/**
 * The playback entry point: what a player asks first. For a viewer (region, ISP, device class,
 * player, channel, session id) it answers the HLS multivariant playlist or the DASH MPD with
 * absolute URLs for every CDN pathway, pointing at the POP the region's request routing picks on
 * each CDN (reached through the viewer's ISP link), plus the content-steering tags.
 *
 *   GET /play/session?channel&variant&region&isp&device&player&sid   JSON: manifest, licence and steering URLs
 *   GET /play/master.m3u8?...                                         HLS multivariant playlist
 *   GET /play/manifest.mpd?...                                        DASH MPD (refreshed here)
 *   GET /time                                                         clock time (DASH UTCTiming)
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { zodIssuesLine } from '../../core/zod-message.ts';
import type { FaultRegistry } from '../../faults/registry.ts';
import { PLAYER_IDS } from '../../players/registry.ts';
import type { LiveChannel } from '../packager/channels.ts';
import type { LiveTiming } from '../packager/timeline.ts';
import { routePop, type Topology } from '../topology.ts';
import { type Pathway, renderSteeredMpd, renderSteeredMultivariant } from './manifests.ts';

export interface EntryLinks {
  /** Base URL (`http://host:port`) a viewer on `isp` uses to reach `pop` of `cdn`. */
  viewerEdge(cdn: string, pop: string, isp: string): string;
  /** Base URL of the steering server as viewers reach it. */
  steering(): string;
  /** Base URL of the licence server as viewers reach it. */
  licence(): string;
}

export interface EntryOptions {
  clock: Clock;
  topology: Topology;
  channels: readonly LiveChannel[];
  timing: LiveTiming;
  faults: FaultRegistry;
  links: EntryLinks;
  /** Which pathway is the default (first in the region's steering order at the time of the request). */
  defaultPathway: (region: string) => string;
  /** The origin the CDNs pull from now (the MPD describes what it packages). */
  activeOrigin: () => 'origin' | 'backup-origin';
}

export type Viewer = {
  channel: string;
  variant: 'clear' | 'enc';
  region: string;
  isp: string;
  device: string;
  player: string;
  sid: string;
};

export function viewerSchema(t: Topology, channels: readonly string[]) {
  const oneOf = (what: string, values: string[]) =>
    z.string().refine((v) => values.includes(v), {
      message: `unknown ${what} (expected one of: ${values.join(', ')})`,
    });
  return z
    .strictObject({
      channel: oneOf('channel', [...channels]),
      variant: z.enum(['clear', 'enc']).default('clear'),
      region: oneOf('region', Object.keys(t.regions)),
      isp: z.string().min(1),
      device: oneOf('device class', Object.keys(t.deviceClasses)).default(Object.keys(t.deviceClasses)[0]!),
      player: oneOf('player', PLAYER_IDS).default(PLAYER_IDS[0]),
      sid: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a session id of letters, digits, _ . -'),
    })
    .superRefine((v, ctx) => {
      const isps = t.regions[v.region]?.isps ?? [];
      if (!isps.includes(v.isp)) {
        ctx.addIssue({
          code: 'custom',
          path: ['isp'],
          message: `unknown ISP for region ${v.region} (expected one of: ${isps.join(', ')})`,
        });
      }
    });
}

export class EntryPoint {
  private readonly schema: ReturnType<typeof viewerSchema>;
  private readonly byName: Map<string, LiveChannel>;

  constructor(private readonly opts: EntryOptions) {
    this.byName = new Map(opts.channels.map((c) => [c.name, c]));
    this.schema = viewerSchema(opts.topology, [...this.byName.keys()]);
  }

  channels(): LiveChannel[] {
    return [...this.byName.values()];
  }

  /** Parses viewer query parameters; the error names each bad parameter and what was expected. */
  parseViewer(query: unknown): { viewer: Viewer } | { error: string } {
    // Players add their own parameters (CMCD, _HLS_/_DASH_ steering ones); everything else must be known.
    const own = Object.fromEntries(
      Object.entries((query ?? {}) as Record<string, unknown>).filter(
        ([k]) => k !== 'CMCD' && !k.startsWith('_HLS_') && !k.startsWith('_DASH_'),
      ),
    );
    const r = this.schema.safeParse(own);
    if (r.success) return { viewer: r.data as Viewer };
    return { error: zodIssuesLine(r.error, 'query') };
  }

  /** The POP each CDN's request routing gives this viewer. */
  pops(v: Viewer): Record<string, string> {
    return Object.fromEntries(
      this.opts.topology.cdns.map((cdn) => [cdn, routePop(this.opts.topology, v.region, `${cdn}|${v.sid}`)]),
    );
  }

  pathways(v: Viewer): Pathway[] {
    const pops = this.pops(v);
    return this.opts.topology.cdns.map((cdn) => ({
      id: cdn,
      baseUrl: `${this.opts.links.viewerEdge(cdn, pops[cdn]!, v.isp)}/d/${v.device}/live/${v.channel}/${v.variant}/`,
    }));
  }

  drmLabel(v: Viewer): string {
    return this.opts.topology.deviceClasses[v.device]!.drm;
  }

  session(v: Viewer, entryBase: string): Record<string, unknown> {
    const q = viewerQuery(v);
    return {
      viewer: v,
      hls: `${entryBase}/play/master.m3u8?${q}`,
      dash: `${entryBase}/play/manifest.mpd?${q}`,
      licence:
        v.variant === 'enc'
          ? `${this.opts.links.licence()}/licence?drm=${this.drmLabel(v)}&sid=${v.sid}`
          : null,
      drm: v.variant === 'enc' ? this.drmLabel(v) : null,
      pops: this.pops(v),
      steering: this.steeringUri(v, 'hls'),
    };
  }

  private steeringUri(v: Viewer, protocol: 'hls' | 'dash'): string {
    return `${this.opts.links.steering()}/steer/${protocol}?region=${v.region}&sid=${v.sid}`;
  }

  readonly plugin = async (app: FastifyInstance): Promise<void> => {
    const { clock, faults, timing } = this.opts;
    app.addHook('onSend', async (_req, reply) => {
      reply.header('access-control-allow-origin', '*');
    });
    app.get('/time', async (_req, reply) =>
      reply.header('cache-control', 'no-store').type('text/plain').send(new Date(clock.now()).toISOString()),
    );

    const withViewer = async (
      query: unknown,
      reply: FastifyReply,
      kind: 'session' | 'manifest',
      body: (v: Viewer, ch: LiveChannel) => { type: string; text: string } | Record<string, unknown>,
    ) => {
      const parsed = this.parseViewer(query);
      if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
      const v = parsed.viewer;
      const effects =
        kind === 'manifest'
          ? faults.decide({
              component: 'entry',
              region: v.region,
              isp: v.isp,
              channel: v.channel,
              variant: v.variant,
              kind: 'manifest',
              deviceClass: v.device,
            })
          : { faultIds: [] };
      if (effects.hang) return new Promise<never>(() => {}); // released when the client or server goes
      if (effects.delayMs) await clock.sleep(effects.delayMs);
      if (effects.status)
        return reply
          .code(effects.status)
          .header('cache-control', 'no-store')
          .send({ error: 'injected fault' });
      const out = body(v, this.byName.get(v.channel)!);
      if ('text' in out && typeof out.text === 'string') {
        const text = effects.rewrite ? effects.rewrite(out.text) : out.text;
        return reply
          .header('cache-control', 'no-store')
          .type(out.type as string)
          .headers(effects.headers ?? {})
          .send(text);
      }
      return reply.header('cache-control', 'no-store').send(out);
    };

    app.get('/play/session', async (req, reply) =>
      withViewer(req.query, reply, 'session', (v) =>
        this.session(v, `${req.protocol}://${req.headers.host}`),
      ),
    );

    app.get('/play/master.m3u8', async (req, reply) =>
      withViewer(req.query, reply, 'manifest', (v, ch) => ({
        type: 'application/vnd.apple.mpegurl',
        text: renderSteeredMultivariant(
          (v.variant === 'enc' ? ch.encrypted : ch.clear).description,
          this.pathways(v),
          { serverUri: this.steeringUri(v, 'hls'), defaultPathway: this.opts.defaultPathway(v.region) },
        ),
      })),
    );

    app.get('/play/manifest.mpd', async (req, reply) =>
      withViewer(req.query, reply, 'manifest', (v, ch) => {
        const state = faults.channelState(v.channel, v.variant, this.opts.activeOrigin());
        return {
          type: 'application/dash+xml',
          text: renderSteeredMpd(
            (v.variant === 'enc' ? ch.encrypted : ch.clear).description,
            clock.now(),
            {
              ...timing,
              utcTimingUrl: `${req.protocol}://${req.headers.host}/time`,
              ...(state?.frozenAtMs !== undefined ? { frozenAtMs: state.frozenAtMs } : {}),
              ...(state?.isGap ? { isGap: state.isGap } : {}),
              ...(v.variant === 'enc' ? { encryption: { kid: ch.key.kid } } : {}),
            },
            this.pathways(v),
            { serverUri: this.steeringUri(v, 'dash'), defaultPathway: this.opts.defaultPathway(v.region) },
          ),
        };
      }),
    );
  };
}

export function viewerQuery(v: Viewer): string {
  return new URLSearchParams({
    channel: v.channel,
    variant: v.variant,
    region: v.region,
    isp: v.isp,
    device: v.device,
    player: v.player,
    sid: v.sid,
  }).toString();
}
