/** Where the built-in catalogue lives (scenarios, rules, runbook). A leaf module. */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIO_DIR = dirname(fileURLToPath(import.meta.url));
