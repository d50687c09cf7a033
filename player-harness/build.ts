/** The player page (`page/`, a Vite app with the hls.js and Shaka adapters), built into `dist/` on first use. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ViteApp } from '../core/vite-app.ts';

const require = createRequire(import.meta.url);

export const PAGE_DIR = join(import.meta.dirname, 'page');
export const DIST_DIR = join(import.meta.dirname, 'dist');

const page = new ViteApp({
  name: 'the player page',
  root: PAGE_DIR,
  outDir: DIST_DIR,
  sources: () => [
    join(import.meta.dirname, '..', 'core', 'events.ts'),
    require.resolve('hls.js/package.json'),
    require.resolve('shaka-player/package.json'),
  ],
});

export const pageIsStale = () => page.isStale();

/** Builds the page if needed; resolves to the directory to serve. */
export const ensurePageBuilt = (options: { force?: boolean; log?: (line: string) => void } = {}) =>
  page.ensureBuilt(options);
