/**
 * The player page (`page/`, a Vite app playing every player of the registry through its adapter in
 * `players/<id>/adapter.ts`), built into `dist/` on first use.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ViteApp } from '../core/vite-app.ts';
import { PLAYERS } from '../players/registry.ts';

const require = createRequire(import.meta.url);

export const PAGE_DIR = join(import.meta.dirname, 'page');
export const DIST_DIR = join(import.meta.dirname, 'dist');

const page = new ViteApp({
  name: 'the player page',
  root: PAGE_DIR,
  outDir: DIST_DIR,
  sources: () => [
    join(import.meta.dirname, '..', 'core', 'events.ts'),
    join(import.meta.dirname, '..', 'players'),
    ...PLAYERS.map((p) => require.resolve(p.library)),
  ],
});

export const pageIsStale = () => page.isStale();

/** Builds the page if needed; resolves to the directory to serve. */
export const ensurePageBuilt = (options: { force?: boolean; log?: (line: string) => void } = {}) =>
  page.ensureBuilt(options);
