/**
 * Finding and launching the Chromium that plays the streams. The path comes from the caller (a
 * flag), then `STREAMDRILL_BROWSER`, then Debian's `/usr/bin/chromium` and other usual places, then a
 * Playwright-managed browser. Launch flags are the ones measured to work headless on this kind of
 * machine (see platform facts): no sandbox as root, no background networking, autoplay allowed.
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { unwatch, watch } from '../core/watchdog.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--mute-audio',
];

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export class BrowserNotFoundError extends Error {
  constructor(tried: string[]) {
    super(
      `no Chromium found (tried: ${tried.join(', ')}). Install Debian's browser with 'sudo apt-get install chromium', ` +
        `or point streamdrill at your own with --browser PATH or STREAMDRILL_BROWSER=PATH.`,
    );
    this.name = 'BrowserNotFoundError';
  }
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function findBrowser(explicit?: string): string {
  const tried: string[] = [];
  for (const path of [explicit, process.env.STREAMDRILL_BROWSER]) {
    if (!path) continue;
    if (executable(path)) return path;
    throw new BrowserNotFoundError([path]);
  }
  for (const path of CANDIDATES) {
    tried.push(path);
    if (executable(path)) return path;
  }
  try {
    const managed = chromium.executablePath();
    tried.push(managed);
    if (managed && executable(managed)) return managed;
  } catch {
    // no Playwright-managed browser
  }
  throw new BrowserNotFoundError(tried);
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches a headless Chromium with a fresh profile, removed again on close. */
/** Profile directories are named after the process that owns them (`stack clean` reads it). */
export const PROFILE_PREFIX = 'streamdrill-chromium-';

export async function launchBrowser(options: { executablePath?: string } = {}): Promise<LaunchedBrowser> {
  const executablePath = findBrowser(options.executablePath);
  const userDataDir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  // Should this process die before it closes the browser, the watchdog kills it and its profile.
  const jobId = `browser:${userDataDir}`;
  watch(jobId, [
    { kind: 'kill', match: userDataDir },
    { kind: 'remove', path: userDataDir },
  ]);
  try {
    // Signals are ours: a drill interrupted with Ctrl-C must remove its faults and write its journal
    // before the browser goes (Playwright would otherwise exit the process on SIGINT itself).
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    return {
      context,
      async close() {
        await context.close().catch(() => {});
        rmSync(userDataDir, { recursive: true, force: true });
        unwatch(jobId);
      },
    };
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    unwatch(jobId);
    throw err;
  }
}
