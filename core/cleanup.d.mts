/** Types of core/cleanup.mjs (plain JavaScript, shared with the watchdog process). */

/** What one process made on a Toxiproxy, in Toxiproxy's own names. */
export interface OwnedObjects {
  url: string;
  token?: string;
  namespace: string;
  proxies: string[];
  toxics: [proxy: string, toxic: string][];
  disabled: string[];
}

/** SIGKILL every process whose command line contains `match`, with its process group. */
export function killMatching(match: string): void;

/** Undoes what one process made on a Toxiproxy and nothing else (see cleanup.mjs). */
export function releaseOwned(owned: OwnedObjects): Promise<void>;
