/**
 * Builds the console web app (`app/`, a Vite + React app) into `console/dist/` with Vite's JS API
 * when the build is missing or older than its sources, so a fresh clone works after `npm ci` without
 * a manual build step. Builds go to a temporary directory that is swapped in whole, so two processes
 * building at once never serve a half-written app. Same approach as player-harness/build.ts.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export const CONSOLE_APP_DIR = join(import.meta.dirname, 'app');
export const CONSOLE_DIST = join(import.meta.dirname, 'dist');

function newest(paths: string[]): number {
  let max = 0;
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) walk(join(p, e));
    } else {
      max = Math.max(max, st.mtimeMs);
    }
  };
  for (const p of paths) if (existsSync(p)) walk(p);
  return max;
}

function sources(): string[] {
  return [
    CONSOLE_APP_DIR,
    join(import.meta.dirname, 'api.ts'),
    join(import.meta.dirname, 'build.ts'),
    require.resolve('react/package.json'),
    require.resolve('react-dom/package.json'),
    require.resolve('recharts/package.json'),
  ];
}

export function consoleIsStale(): boolean {
  const built = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return true;
  return newest(sources()) > statSync(built).mtimeMs;
}

let building: Promise<string> | undefined;

/** Builds the console app if needed; resolves to the directory to serve (CONSOLE_DIST). */
export function ensureConsoleBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<string> {
  if (!options.force && !consoleIsStale()) return Promise.resolve(CONSOLE_DIST);
  building ??= buildConsole(options.log).finally(() => {
    building = undefined;
  });
  return building;
}

async function buildConsole(log?: (line: string) => void): Promise<string> {
  const started = Date.now();
  const { build } = await import('vite');
  const tmp = `${CONSOLE_DIST}.tmp-${process.pid}-${Date.now()}`;
  await build({
    configFile: false,
    root: CONSOLE_APP_DIR,
    base: './',
    logLevel: 'warn',
    mode: 'production',
    // TSX with React's automatic runtime; no React plugin needed for a production build.
    oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
    build: {
      outDir: tmp,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
    },
  });
  const old = `${CONSOLE_DIST}.old-${process.pid}-${Date.now()}`;
  if (existsSync(CONSOLE_DIST)) renameSync(CONSOLE_DIST, old);
  renameSync(tmp, CONSOLE_DIST);
  rmSync(old, { recursive: true, force: true });
  log?.(`built the console app in ${Date.now() - started} ms`);
  return CONSOLE_DIST;
}
