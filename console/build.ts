/** The console web app (`app/`, Vite + React + recharts), built into `console/dist/` on first use. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ViteApp } from '../core/vite-app.ts';

const require = createRequire(import.meta.url);

export const CONSOLE_APP_DIR = join(import.meta.dirname, 'app');
export const CONSOLE_DIST = join(import.meta.dirname, 'dist');

const app = new ViteApp({
  name: 'the console app',
  root: CONSOLE_APP_DIR,
  outDir: CONSOLE_DIST,
  sources: () => [
    join(import.meta.dirname, 'api.ts'),
    join(import.meta.dirname, 'build.ts'),
    // The app shows the catalogue's metrics (titles, units).
    join(import.meta.dirname, '..', 'metrics', 'catalogue.ts'),
    require.resolve('react/package.json'),
    require.resolve('react-dom/package.json'),
    require.resolve('recharts/package.json'),
  ],
  // TSX with React's automatic runtime; no React plugin needed for a production build.
  vite: { oxc: { jsx: { runtime: 'automatic', importSource: 'react' } } },
});

export const consoleIsStale = () => app.isStale();

/** Builds the console app if needed; resolves to the directory to serve (CONSOLE_DIST). */
export const ensureConsoleBuilt = (options: { force?: boolean; log?: (line: string) => void } = {}) =>
  app.ensureBuilt(options);
