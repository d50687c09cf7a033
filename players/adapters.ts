/**
 * The player page's adapters, one per registry entry (keyed by `PlayerId`, so a player added to the
 * registry without an adapter does not compile). Browser code: only the page imports this.
 */
import type { AdapterFactory } from './adapter.ts';
import { createDashjs } from './dashjs/adapter.ts';
import { createHlsjs } from './hlsjs/adapter.ts';
import type { PlayerId } from './registry.ts';
import { createShaka } from './shaka/adapter.ts';

export const ADAPTERS: Record<PlayerId, AdapterFactory> = {
  hlsjs: createHlsjs,
  shaka: createShaka,
  dashjs: createDashjs,
};
