/** Loading alert rule files, with errors naming the file, line and path. */
import { join } from 'node:path';
import { SCENARIO_DIR } from '../core/paths.ts';
import { loadYamlWith } from '../core/yaml-file.ts';
import { type RuleFile, RuleFileSchema } from './schema.ts';

export const DEFAULT_RULES = join(SCENARIO_DIR, 'rules', 'default.yaml');

export async function loadRules(file = DEFAULT_RULES): Promise<RuleFile> {
  return (await loadYamlWith(file, RuleFileSchema)).value;
}
