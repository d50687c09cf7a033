/**
 * Cohorts: how N real viewers are spread over regions, ISPs, players, device classes, channels and
 * variants. The `--cohorts` syntax is a `;`-separated list of dimensions, each `name=value:ratio,...`
 * (ratio defaults to 1):
 *
 *   region=emea:2,na:1;player=hlsjs,shaka;device=desktop:2,tv:1;variant=clear:3,enc:1
 *
 * Dimensions: region, isp, player, device, channel, variant. Unnamed dimensions take every known
 * value in equal shares (variant: clear and enc; player: the registry's default-cohort players,
 * hls.js and Shaka — dash.js plays only when named, e.g. `player=dashjs`). ISPs are drawn within each
 * viewer's region (only the listed ISPs that belong to it, or all of the region's ISPs when none of
 * them is listed).
 *
 * Assignment is deterministic and balanced: counts follow the ratios (largest remainder), and each
 * dimension is dealt with a smooth weighted round robin along the viewers ordered by the dimensions
 * already dealt, so every region gets its share of each player, device class, etc.
 */
import { DEFAULT_COHORT_PLAYERS, PLAYER_IDS } from '../players/registry.ts';

export const DIMENSIONS = ['region', 'isp', 'player', 'device', 'channel', 'variant'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export class CohortError extends Error {}

export type CohortSpec = Partial<Record<Dimension, [value: string, ratio: number][]>>;

export interface Known {
  /** region → its ISPs */
  regions: Record<string, readonly string[]>;
  devices: readonly string[];
  /** Players that may be named (players/registry.ts). */
  players: readonly string[];
  /** Players dealt when none is named (the registry's default-cohort players). */
  defaultPlayers?: readonly string[];
  channels: readonly string[];
}

export const DEFAULT_KNOWN: Known = {
  regions: { emea: ['eu-telco', 'eu-cable'], na: ['na-telco', 'na-cable'] },
  devices: ['desktop', 'mobile', 'tv'],
  players: PLAYER_IDS,
  defaultPlayers: DEFAULT_COHORT_PLAYERS,
  channels: ['news', 'sport'],
};

export interface ViewerSpec {
  /** 0-based position in the fleet. */
  slot: number;
  region: string;
  isp: string;
  player: string;
  device: string;
  channel: string;
  variant: 'clear' | 'enc';
}

function allowed(dim: Dimension, known: Known): readonly string[] {
  switch (dim) {
    case 'region':
      return Object.keys(known.regions);
    case 'isp':
      return Object.values(known.regions).flat();
    case 'player':
      return known.players;
    case 'device':
      return known.devices;
    case 'channel':
      return known.channels;
    case 'variant':
      return ['clear', 'enc'];
  }
}

/** Parses the `--cohorts` text; errors name the part that is wrong and what was expected. */
export function parseCohorts(text: string, known: Known = DEFAULT_KNOWN): CohortSpec {
  const spec: CohortSpec = {};
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new CohortError(`expected name=value:ratio,... in ${JSON.stringify(part)}`);
    const dim = part.slice(0, eq).trim() as Dimension;
    if (!DIMENSIONS.includes(dim))
      throw new CohortError(
        `unknown cohort dimension ${JSON.stringify(dim)} (expected one of: ${DIMENSIONS.join(', ')})`,
      );
    if (spec[dim]) throw new CohortError(`cohort dimension ${dim} given twice`);
    const values: [string, number][] = [];
    for (const item of part
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)) {
      const [value, ratioText, extra] = item.split(':');
      if (extra !== undefined || !value)
        throw new CohortError(`expected value or value:ratio in ${dim}, got ${JSON.stringify(item)}`);
      const ratio = ratioText === undefined ? 1 : Number(ratioText);
      if (!/^\d+(\.\d+)?$/.test(ratioText ?? '1') || !(ratio > 0))
        throw new CohortError(
          `ratio of ${dim}=${value} must be a positive number, got ${JSON.stringify(ratioText)}`,
        );
      const ok = allowed(dim, known);
      if (!ok.includes(value))
        throw new CohortError(`unknown ${dim} ${JSON.stringify(value)} (expected one of: ${ok.join(', ')})`);
      if (values.some(([v]) => v === value)) throw new CohortError(`${dim}=${value} given twice`);
      values.push([value, ratio]);
    }
    if (values.length === 0) throw new CohortError(`cohort dimension ${dim} has no values`);
    spec[dim] = values;
  }
  if (spec.isp && spec.region) {
    const regions = spec.region.map(([r]) => r);
    for (const [isp] of spec.isp) {
      if (!regions.some((r) => known.regions[r]?.includes(isp)))
        throw new CohortError(`isp ${isp} belongs to none of the regions given (${regions.join(', ')})`);
    }
  }
  return spec;
}

/** Smooth weighted round robin (as in nginx): an interleaved sequence of `n` values with the given ratios. */
export function deal(values: readonly [string, number][], n: number): string[] {
  const totalRatio = values.reduce((s, [, r]) => s + r, 0);
  const current = values.map(() => 0);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 0; j < values.length; j++) {
      current[j]! += values[j]![1];
      if (current[j]! > current[best]!) best = j;
    }
    current[best]! -= totalRatio;
    out.push(values[best]![0]);
  }
  return out;
}

const even = (xs: readonly string[]): [string, number][] => xs.map((x) => [x, 1]);

/** Spreads `n` viewers over the cohorts. */
export function assignViewers(n: number, spec: CohortSpec = {}, known: Known = DEFAULT_KNOWN): ViewerSpec[] {
  const viewers = Array.from({ length: n }, (_, slot) => ({ slot }) as ViewerSpec & Record<string, unknown>);
  const dealt: Dimension[] = [];
  const order = () =>
    [...viewers].sort((a, b) => {
      for (const d of dealt) {
        const c = String(a[d]).localeCompare(String(b[d]));
        if (c !== 0) return c;
      }
      return a.slot - b.slot;
    });
  for (const dim of DIMENSIONS) {
    if (dim === 'isp') {
      // within each region, from the ISPs of that region
      for (const region of new Set(viewers.map((v) => v.region))) {
        const group = order().filter((v) => v.region === region);
        const regionIsps = known.regions[region] ?? [];
        const listed = (spec.isp ?? []).filter(([i]) => regionIsps.includes(i));
        const seq = deal(listed.length > 0 ? listed : even(regionIsps), group.length);
        group.forEach((v, i) => {
          v.isp = seq[i]!;
        });
      }
    } else {
      const values =
        spec[dim] ?? even(dim === 'player' ? (known.defaultPlayers ?? known.players) : allowed(dim, known));
      const seq = deal(values, n);
      order().forEach((v, i) => {
        (v as Record<string, unknown>)[dim] = seq[i];
      });
    }
    dealt.push(dim);
  }
  return viewers.map(({ slot, region, isp, player, device, channel, variant }) => ({
    slot,
    region,
    isp,
    player,
    device,
    channel,
    variant,
  }));
}

/** One line per cohort value, e.g. `region emea 8, na 4; player hlsjs 6, shaka 6`. */
export function describeAssignment(viewers: readonly ViewerSpec[]): string {
  return DIMENSIONS.map((d) => {
    const counts = new Map<string, number>();
    for (const v of viewers) counts.set(v[d], (counts.get(v[d]) ?? 0) + 1);
    return `${d} ${[...counts].map(([k, c]) => `${k} ${c}`).join(', ')}`;
  }).join('; ');
}
