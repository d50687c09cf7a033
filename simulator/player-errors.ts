/**
 * The error codes model players report, as the real players report them through the harness
 * adapters: hls.js `{type, details}` (e.g. networkError / fragLoadError), Shaka `{category, code}`
 * as numbers in text (1 NETWORK: 1001 bad HTTP status, 1002 HTTP error, 1003 timeout; 3 MEDIA:
 * 3016 video error; 4 MANIFEST: 4001 invalid XML; 6 DRM: 6007 licence request failed).
 */
import type { PlayerErrorInfo } from '../core/events.ts';

export type ErrorSituation =
  | 'segment-status'
  | 'segment-network'
  | 'segment-timeout'
  | 'playlist-status'
  | 'playlist-network'
  | 'playlist-malformed'
  | 'manifest-status'
  | 'manifest-network'
  | 'manifest-timeout'
  | 'manifest-malformed'
  | 'licence-status'
  | 'licence-network'
  | 'licence-timeout'
  | 'corrupt-segment'
  | 'stalled';

const HLSJS: Record<ErrorSituation, [string, string]> = {
  'segment-status': ['networkError', 'fragLoadError'],
  'segment-network': ['networkError', 'fragLoadError'],
  'segment-timeout': ['networkError', 'fragLoadTimeOut'],
  'playlist-status': ['networkError', 'levelLoadError'],
  'playlist-network': ['networkError', 'levelLoadError'],
  'playlist-malformed': ['networkError', 'levelParsingError'],
  'manifest-status': ['networkError', 'manifestLoadError'],
  'manifest-network': ['networkError', 'manifestLoadError'],
  'manifest-timeout': ['networkError', 'manifestLoadTimeOut'],
  'manifest-malformed': ['networkError', 'manifestParsingError'],
  'licence-status': ['keySystemError', 'keySystemLicenseRequestFailed'],
  'licence-network': ['keySystemError', 'keySystemLicenseRequestFailed'],
  'licence-timeout': ['keySystemError', 'keySystemLicenseRequestFailed'],
  'corrupt-segment': ['mediaError', 'bufferAppendError'],
  stalled: ['mediaError', 'bufferStalledError'],
};

const SHAKA: Record<ErrorSituation, [string, string]> = {
  'segment-status': ['1', '1001'],
  'segment-network': ['1', '1002'],
  'segment-timeout': ['1', '1003'],
  'playlist-status': ['1', '1001'],
  'playlist-network': ['1', '1002'],
  'playlist-malformed': ['4', '4001'],
  'manifest-status': ['1', '1001'],
  'manifest-network': ['1', '1002'],
  'manifest-timeout': ['1', '1003'],
  'manifest-malformed': ['4', '4001'],
  'licence-status': ['6', '6007'],
  'licence-network': ['6', '6007'],
  'licence-timeout': ['6', '6007'],
  'corrupt-segment': ['3', '3016'],
  stalled: ['5', '5000'],
};

const cache = new Map<string, PlayerErrorInfo>();

/** The (shared, frozen) error a player reports in a situation. */
export function playerError(
  player: 'hlsjs' | 'shaka',
  situation: ErrorSituation,
  fatal: boolean,
  httpStatus?: number,
): PlayerErrorInfo {
  const key = `${player}|${situation}|${fatal ? 1 : 0}|${httpStatus ?? ''}`;
  let e = cache.get(key);
  if (!e) {
    const [category, code] = (player === 'hlsjs' ? HLSJS : SHAKA)[situation];
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
