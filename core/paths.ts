/** Where streamdrill's own files live: the built-in catalogue (scenarios, rules, runbook). A leaf module. */
import { join } from 'node:path';

/** The package root (this file is `core/paths.ts`). */
export const PACKAGE_DIR = join(import.meta.dirname, '..');
/** The built-in catalogue: scenarios, default rules and runbook. */
export const SCENARIO_DIR = join(PACKAGE_DIR, 'scenarios');
