/**
 * Builds the player page (`page/`, a Vite app) into `player-harness/dist/` with Vite's JS API when
 * the build is missing or older than its sources, so a fresh clone works after `npm ci` without a
 * manual build step. Builds go to a temporary directory that is swapped in whole, so two processes
 * building at once never serve a half-written page.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export const PAGE_DIR = join(import.meta.dirname, 'page');
export const DIST_DIR = join(import.meta.dirname, 'dist');

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
    PAGE_DIR,
    join(import.meta.dirname, 'events.ts'),
    require.resolve('hls.js/package.json'),
    require.resolve('shaka-player/package.json'),
  ];
}

export function pageIsStale(): boolean {
  const built = join(DIST_DIR, 'index.html');
  if (!existsSync(built)) return true;
  return newest(sources()) > statSync(built).mtimeMs;
}

let building: Promise<string> | undefined;

/** Builds the page if needed; resolves to the directory to serve. */
export function ensurePageBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<string> {
  if (!options.force && !pageIsStale()) return Promise.resolve(DIST_DIR);
  building ??= buildPage(options.log).finally(() => {
    building = undefined;
  });
  return building;
}

async function buildPage(log?: (line: string) => void): Promise<string> {
  const started = Date.now();
  const { build } = await import('vite');
  const tmp = `${DIST_DIR}.tmp-${process.pid}-${Date.now()}`;
  await build({
    configFile: false,
    root: PAGE_DIR,
    base: './',
    logLevel: 'warn',
    build: {
      outDir: tmp,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
    },
  });
  const old = `${DIST_DIR}.old-${process.pid}-${Date.now()}`;
  if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
  renameSync(tmp, DIST_DIR);
  rmSync(old, { recursive: true, force: true });
  log?.(`built the player page in ${Date.now() - started} ms`);
  return DIST_DIR;
}
