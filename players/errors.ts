/**
 * The situations in which a player reports an error, one list for every player: each player's
 * traits (`players/<id>/traits.ts`) map every situation to the error the real library raises in
 * it, and the model (`simulator/player-errors.ts`) reports those. Adding a situation here makes
 * the compiler ask every player's table for its code.
 */
export const ERROR_SITUATIONS = [
  'segment-status',
  'segment-network',
  'segment-timeout',
  'playlist-status',
  'playlist-network',
  'playlist-malformed',
  'manifest-status',
  'manifest-network',
  'manifest-timeout',
  'manifest-malformed',
  'licence-status',
  'licence-network',
  'licence-timeout',
  'corrupt-segment',
  'stalled',
] as const;
export type ErrorSituation = (typeof ERROR_SITUATIONS)[number];

/** A player's error in a situation as its adapter reports it: category (hls.js type, Shaka/dash.js category) and code. */
export type ErrorCode = readonly [category: string, code: string];
export type ErrorTable = Readonly<Record<ErrorSituation, ErrorCode>>;
