/**
 * The `population` of a scenario: who is watching (how many, where, on what, which channel) and how
 * they behave (churn, patience), plus the sample size — how many model sessions stand for them.
 * Validated with zod; `resolvePopulation` checks it against the topology and normalises the shares.
 */
import { z } from 'zod';
import { zodIssuesLine } from '../core/zod-message.ts';
import type { Topology } from '../origin-stub/topology.ts';
import { DEFAULT_PLAYER_SHARES, PLAYER_IDS, type PlayerId } from '../players/registry.ts';

const share = z.number().min(0);
const shares = z.record(z.string().min(1), share);

export const PopulationSpecSchema = z.strictObject({
  /** Concurrent viewers the run stands for (the worked example: 800,000). */
  viewers: z.number().int().min(1).default(800_000),
  /** Model sessions simulated; each stands for viewers / sessions viewers. */
  sessions: z.number().int().min(10).max(1_000_000).default(10_000),
  /** Share of viewers per region (normalised). */
  regions: shares.default({ emea: 0.55, na: 0.45 }),
  /** ISP mix per region (normalised per region); default: the topology's ISPs in equal shares. */
  isps: z.record(z.string(), shares).default({}),
  /** Device classes (normalised); each carries its DRM label from the topology. */
  devices: shares.default({ desktop: 0.45, mobile: 0.35, tv: 0.2 }),
  /**
   * Player libraries (normalised), any of the registry's (players/registry.ts): hls.js plays HLS,
   * Shaka and dash.js play DASH. Default: hls.js 0.6, Shaka 0.4 (dash.js is opt-in).
   */
  players: z.partialRecord(z.enum(PLAYER_IDS), share).default(DEFAULT_PLAYER_SHARES),
  /** Channels (normalised): `news` and `sport`, the stub's media. */
  channels: shares.default({ news: 0.4, sport: 0.6 }),
  /** Share of sessions on the encrypted (`enc`) variant. */
  encryptedShare: z.number().min(0).max(1).default(0.3),
  churn: z
    .strictObject({
      /** Mean watch time of a session before the viewer leaves (exponential), minutes. */
      meanWatchMinutes: z.number().positive().default(40),
    })
    .default({ meanWatchMinutes: 40 }),
  patience: z
    .strictObject({
      /** Median wait for the first frame before a viewer gives up, seconds. */
      medianSeconds: z.number().positive().default(8),
    })
    .default({ medianSeconds: 8 }),
  /** Target rebuffering of a fault-free run, percent: scales the background impairment. */
  baselineRebufferPercent: z.number().min(0).max(50).default(0.7),
  /**
   * Share of sessions the steering service keeps on the second pathway of a region while that
   * region's priority is its default order (a warm standby); 0 puts everyone on the first.
   */
  standbyShare: z.number().min(0).max(1).default(0),
  /**
   * Viewers each CDN carries comfortably per region; beyond that its POPs congest and background
   * impairment rises (constants.congestionGain). Missing: unlimited.
   */
  cdnCapacity: z.record(z.string(), z.record(z.string(), z.number().positive())).default({}),
});
export type PopulationSpec = z.input<typeof PopulationSpecSchema>;

/** A population checked against a topology, with shares as parallel arrays (fast to sample). */
export interface Population {
  viewers: number;
  sessions: number;
  /** Viewers per session. */
  weight: number;
  regions: string[];
  regionShares: number[];
  /** Per region: ISP names and shares. */
  isps: { names: string[]; shares: number[] }[];
  devices: string[];
  deviceShares: number[];
  /** DRM label per device (same order as devices). */
  drm: string[];
  players: PlayerId[];
  playerShares: number[];
  channels: string[];
  channelShares: number[];
  encryptedShare: number;
  meanWatchMs: number;
  patienceMedianMs: number;
  baselineRebufferPercent: number;
  standbyShare: number;
  /** [cdn][region] viewers, or Infinity. */
  cdnCapacity: (cdn: string, region: string) => number;
}

export class PopulationError extends Error {}

export function resolvePopulation(input: PopulationSpec, topology: Topology, channels: string[]): Population {
  const parsed = PopulationSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new PopulationError(`invalid population: ${zodIssuesLine(parsed.error)}`);
  }
  const p = parsed.data;
  const known = (what: string, names: string[], allowed: string[]) => {
    for (const n of names)
      if (!allowed.includes(n))
        throw new PopulationError(`unknown ${what} '${n}' (known: ${allowed.join(', ')})`);
  };
  const regions = Object.keys(p.regions);
  known('region', regions, Object.keys(topology.regions));
  const devices = Object.keys(p.devices);
  known('device class', devices, Object.keys(topology.deviceClasses));
  const chans = Object.keys(p.channels);
  known('channel', chans, channels);
  for (const [region, mix] of Object.entries(p.isps)) {
    known('region', [region], regions);
    known(`ISP in ${region}`, Object.keys(mix), topology.regions[region]!.isps);
  }
  for (const [cdn, byRegion] of Object.entries(p.cdnCapacity)) {
    known('CDN', [cdn], topology.cdns);
    known('region', Object.keys(byRegion), Object.keys(topology.regions));
  }
  const players = Object.keys(p.players) as PlayerId[];
  return {
    viewers: p.viewers,
    sessions: p.sessions,
    weight: p.viewers / p.sessions,
    regions,
    regionShares: normalise(
      regions.map((r) => p.regions[r]!),
      'regions',
    ),
    isps: regions.map((r) => {
      const names =
        Object.keys(p.isps[r] ?? {}).length > 0 ? Object.keys(p.isps[r]!) : topology.regions[r]!.isps;
      return {
        names,
        shares: normalise(
          names.map((n) => p.isps[r]?.[n] ?? 1),
          `isps.${r}`,
        ),
      };
    }),
    devices,
    deviceShares: normalise(
      devices.map((d) => p.devices[d]!),
      'devices',
    ),
    drm: devices.map((d) => topology.deviceClasses[d]!.drm),
    players,
    playerShares: normalise(
      players.map((x) => p.players[x]!),
      'players',
    ),
    channels: chans,
    channelShares: normalise(
      chans.map((c) => p.channels[c]!),
      'channels',
    ),
    encryptedShare: p.encryptedShare,
    meanWatchMs: p.churn.meanWatchMinutes * 60_000,
    patienceMedianMs: p.patience.medianSeconds * 1000,
    baselineRebufferPercent: p.baselineRebufferPercent,
    standbyShare: p.standbyShare,
    cdnCapacity: (cdn, region) => p.cdnCapacity[cdn]?.[region] ?? Number.POSITIVE_INFINITY,
  };
}

function normalise(values: number[], what: string): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new PopulationError(`${what}: shares must add up to more than 0`);
  return values.map((v) => v / sum);
}

/** Index drawn from normalised shares with a uniform u in [0, 1). */
export function pick(shares: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < shares.length; i++) {
    acc += shares[i]!;
    if (u < acc) return i;
  }
  return shares.length - 1;
}
