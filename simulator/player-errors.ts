/**
 * The errors model players report, as the real players report them through their page adapters:
 * each player's table in its traits (`players/<id>/traits.ts`, e.g. hls.js `networkError /
 * fragLoadError`, Shaka `1 / 1001`, dash.js `download / 27`) for the situations of
 * `players/errors.ts`. One frozen object per distinct error, shared by every event that carries it.
 */
import type { PlayerErrorInfo } from '../core/events.ts';
import type { ErrorSituation } from '../players/errors.ts';
import { playerTraits } from '../players/registry.ts';

export { ERROR_SITUATIONS, type ErrorSituation } from '../players/errors.ts';

const cache = new Map<string, PlayerErrorInfo>();

/** The (shared, frozen) error a player reports in a situation. */
export function playerError(
  player: string,
  situation: ErrorSituation,
  fatal: boolean,
  httpStatus?: number,
): PlayerErrorInfo {
  const key = `${player}|${situation}|${fatal ? 1 : 0}|${httpStatus ?? ''}`;
  let e = cache.get(key);
  if (!e) {
    const [category, code] = playerTraits(player).errors[situation];
    e = Object.freeze({
      player,
      category,
      code,
      fatal,
      ...(httpStatus !== undefined && httpStatus > 0 ? { httpStatus } : {}),
    });
    cache.set(key, e);
  }
  return e;
}
