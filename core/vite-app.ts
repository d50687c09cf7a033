/**
 * A browser app built with Vite's JS API on first use (the player page, the console), so a fresh
 * clone works after `npm ci` without a manual build step. It is rebuilt when missing or older than
 * its sources; builds go to a temporary directory that is swapped in whole, so two processes
 * building at once never serve a half-written app.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InlineConfig } from 'vite';

export interface ViteAppSpec {
  /** What the log line calls it ("the player page"). */
  name: string;
  /** The app's root (index.html). */
  root: string;
  outDir: string;
  /** Files and folders whose change makes the build stale (the root is always one). */
  sources: () => string[];
  /** Extra Vite options (e.g. the JSX runtime). */
  vite?: InlineConfig;
}

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

export class ViteApp {
  private building: Promise<string> | undefined;

  constructor(private readonly spec: ViteAppSpec) {}

  get outDir(): string {
    return this.spec.outDir;
  }

  isStale(): boolean {
    const built = join(this.spec.outDir, 'index.html');
    if (!existsSync(built)) return true;
    return newest([this.spec.root, ...this.spec.sources()]) > statSync(built).mtimeMs;
  }

  /** Builds the app if needed; resolves to the directory to serve. */
  ensureBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<string> {
    if (!options.force && !this.isStale()) return Promise.resolve(this.spec.outDir);
    this.building ??= this.build(options.log).finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async build(log?: (line: string) => void): Promise<string> {
    const started = Date.now();
    const { build } = await import('vite');
    const dist = this.spec.outDir;
    const tmp = `${dist}.tmp-${process.pid}-${Date.now()}`;
    await build({
      configFile: false,
      root: this.spec.root,
      base: './',
      logLevel: 'warn',
      mode: 'production',
      ...this.spec.vite,
      build: {
        outDir: tmp,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        reportCompressedSize: false,
        chunkSizeWarningLimit: 4096,
      },
    });
    const old = `${dist}.old-${process.pid}-${Date.now()}`;
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(tmp, dist);
    rmSync(old, { recursive: true, force: true });
    log?.(`built ${this.spec.name} in ${Date.now() - started} ms`);
    return dist;
  }
}
