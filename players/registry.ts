/**
 * The registry of players: every real player streamdrill plays, in one list. Cohorts, the
 * population, the deploy registry's `player-<id>` components, the model, the error vocabulary, the
 * player page and the docs all read it. Adding a player is one folder (`players/<id>/` with its
 * `traits.ts` and page `adapter.ts`), one entry here and one in `players/adapters.ts`.
 *
 * The order is part of the model's determinism: model sessions draw their player by the
 * population's shares in this order, so new players go at the end.
 */
import { DASHJS } from './dashjs/traits.ts';
import { HLSJS } from './hlsjs/traits.ts';
import { SHAKA } from './shaka/traits.ts';
import type { PlayerTraits } from './traits.ts';

export const PLAYERS = [HLSJS, SHAKA, DASHJS] as const;
export type PlayerId = (typeof PLAYERS)[number]['id'];
export const PLAYER_IDS = PLAYERS.map((p) => p.id) as [PlayerId, ...PlayerId[]];

export type { PlayerModel, PlayerTraits } from './traits.ts';

const byId = new Map<string, PlayerTraits>(PLAYERS.map((p) => [p.id, p]));

export function isPlayerId(id: string): id is PlayerId {
  return byId.has(id);
}

/** The player's traits; throws on an id that is not in the registry. */
export function playerTraits(id: string): PlayerTraits {
  const p = byId.get(id);
  if (!p) throw new Error(`unknown player '${id}' (players: ${PLAYER_IDS.join(', ')})`);
  return p;
}

/** Players dealt to real viewers when `--cohorts` names none (dash.js is opt-in). */
export const DEFAULT_COHORT_PLAYERS: readonly PlayerId[] = PLAYERS.filter((p) => p.defaultCohort).map(
  (p) => p.id,
);

/** A scenario population's player shares when it names none. */
export const DEFAULT_PLAYER_SHARES: Partial<Record<PlayerId, number>> = Object.fromEntries(
  PLAYERS.filter((p) => p.defaultShare > 0).map((p) => [p.id, p.defaultShare]),
);

/** The deploy registry's component for a player's library. */
export const playerComponent = <Id extends string>(id: Id): `player-${Id}` => `player-${id}`;
