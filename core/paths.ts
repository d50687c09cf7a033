/** Where streamdrill's own files live: the built-in catalogue (scenarios, rules, runbook). A leaf module. */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** The package root (this file is `core/paths.ts`). */
export const PACKAGE_DIR = join(import.meta.dirname, '..');
/** The built-in catalogue: scenarios, default rules and runbook. */
export const SCENARIO_DIR = join(PACKAGE_DIR, 'scenarios');

/**
 * How a file is named in a journal or a report: a file of streamdrill's own (the built-in rules,
 * runbook, scenarios) by its path inside the package, any other relative to the working directory
 * when it is below it, else absolutely. Journals of the same run are then the same wherever the
 * package or the checkout lives.
 */
export function displayPath(file: string): string {
  const abs = resolve(file);
  const inPackage = relative(PACKAGE_DIR, abs);
  if (inPackage && !inPackage.startsWith('..') && !isAbsolute(inPackage)) return inPackage;
  const inCwd = relative(process.cwd(), abs);
  return inCwd && !inCwd.startsWith('..') && !isAbsolute(inCwd) ? inCwd : abs;
}

/** The file a {@link displayPath} names: the package's own first, else relative to the working directory. */
export function resolveDisplayPath(shown: string): string {
  if (isAbsolute(shown)) return shown;
  const own = join(PACKAGE_DIR, shown);
  return existsSync(own) ? own : resolve(shown);
}
