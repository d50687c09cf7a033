/**
 * Serves the one player page (`player-harness/page`, built by Vite) from the entry point, so
 * `streamdrill stack up` can print URLs that play in any browser: `GET /player?player=…&channel=…`
 * redirects to `/player/?…`, where the page plays that one viewer against this entry point
 * (standalone mode). The stack does not build the page (it sits above the player harness in the
 * import order); whoever starts the stack passes the built directory (`StackOptions.playerPage`).
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export function playerPagePlugin(dir: string) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/player', async (req, reply) => {
      const q = req.url.indexOf('?');
      return reply.redirect(`/player/${q >= 0 ? req.url.slice(q) : ''}`);
    });
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/player/',
      index: 'index.html',
      // The page's assets are content-hashed; index.html is revalidated.
      setHeaders: (res, path) =>
        res.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=3600'),
    });
  };
}
