/**
 * The registry is the one list of players: every entry complete and consistent with what the page
 * and the stack read from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VERSIONS, DEPLOY_COMPONENTS } from '../origin-stub/control/deploys.ts';
import { DEFAULT_KNOWN } from '../player-harness/cohorts.ts';
import { PopulationSpecSchema } from '../simulator/population.ts';
import { ERROR_SITUATIONS } from './errors.ts';
import {
  DEFAULT_COHORT_PLAYERS,
  DEFAULT_PLAYER_SHARES,
  PLAYER_IDS,
  PLAYERS,
  playerTraits,
} from './registry.ts';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('the player registry', () => {
  it('lists each player once, hls.js and Shaka first (the model draws players in this order)', () => {
    expect(PLAYER_IDS).toEqual(['hlsjs', 'shaka', 'dashjs']);
    expect(new Set(PLAYER_IDS).size).toBe(PLAYERS.length);
  });

  it("pins each player's library at the version its traits name", () => {
    for (const p of PLAYERS) expect(pkg.dependencies[p.library], p.id).toBe(p.version);
  });

  it('gives every player an error for every situation', () => {
    for (const p of PLAYERS)
      for (const s of ERROR_SITUATIONS) {
        const [category, code] = p.errors[s];
        expect(category.length, `${p.id} ${s}`).toBeGreaterThan(0);
        expect(code.length, `${p.id} ${s}`).toBeGreaterThan(0);
      }
  });

  it('keeps dash.js opt-in: default cohorts and populations are hls.js and Shaka as before', () => {
    expect(DEFAULT_COHORT_PLAYERS).toEqual(['hlsjs', 'shaka']);
    expect(DEFAULT_PLAYER_SHARES).toEqual({ hlsjs: 0.6, shaka: 0.4 });
    expect(Object.keys(DEFAULT_PLAYER_SHARES)).toEqual(['hlsjs', 'shaka']);
    expect(PopulationSpecSchema.parse({}).players).toEqual({ hlsjs: 0.6, shaka: 0.4 });
    expect(DEFAULT_KNOWN.players).toEqual(PLAYER_IDS);
  });

  it('accepts any subset of the players in a population, and names the players on a typo', () => {
    expect(PopulationSpecSchema.parse({ players: { dashjs: 1 } }).players).toEqual({ dashjs: 1 });
    expect(PopulationSpecSchema.safeParse({ players: { dashj: 1 } }).success).toBe(false);
  });

  it('gives each player a deploy component at its pinned version', () => {
    for (const p of PLAYERS) {
      expect(DEPLOY_COMPONENTS).toContain(`player-${p.id}`);
      expect(DEFAULT_VERSIONS[`player-${p.id}` as keyof typeof DEFAULT_VERSIONS]).toBe(p.version);
    }
  });

  it('names the known players when asked for an unknown one', () => {
    expect(() => playerTraits('videojs')).toThrow("unknown player 'videojs' (players: hlsjs, shaka, dashjs)");
  });
});
