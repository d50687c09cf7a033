/**
 * The folder list reads as the data flow, and imports point one way: a production module imports
 * only its own folder and the folders before it in {@link LAYERS} (docs/ARCHITECTURE.md explains
 * the order), no module imports a test fake or fixture, and no set of modules imports itself in a
 * circle. Imports are read as text (static, `export … from` and dynamic `import()`), type-only ones
 * included: a type cycle is still two modules that cannot be understood apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Production folders in import order: each may import itself and those before it. */
const LAYERS = [
  'core',
  'players',
  'proxy',
  'faults',
  'origin-stub',
  'metrics',
  'player-harness',
  'simulator',
  'rules',
  'incident',
  'scenarios',
  'drill',
  'prometheus',
  'reports',
  'console',
  'cli',
] as const;

const SKIP = new Set(['node_modules', 'dist', '.git']);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:from\s*|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const layer of LAYERS) {
    for (const file of sources(join(ROOT, layer))) {
      const from = relative(ROOT, file);
      const text = readFileSync(file, 'utf8');
      const to: string[] = [];
      for (const m of text.matchAll(IMPORT)) to.push(normalize(join(dirname(from), m[1]!)));
      g.set(from, to);
    }
  }
  return g;
}

const folder = (path: string) => path.split('/')[0]!;

describe('the architecture', () => {
  const g = graph();

  it('has every production folder in the layer list', () => {
    expect(g.size).toBeGreaterThan(150);
  });

  it('imports only its own folder and the folders before it', () => {
    const bad: string[] = [];
    for (const [from, tos] of g) {
      const a = LAYERS.indexOf(folder(from) as (typeof LAYERS)[number]);
      for (const to of tos) {
        const b = LAYERS.indexOf(folder(to) as (typeof LAYERS)[number]);
        if (b < 0 || b > a) bad.push(`${from} → ${to}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components over the module graph.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of g.get(v) ?? []) {
        if (!g.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1) cycles.push(scc.sort());
      }
    };
    for (const v of g.keys()) if (!idx.has(v)) visit(v);
    expect(cycles).toEqual([]);
  });
});
