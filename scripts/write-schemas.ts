/** Rewrites the published JSON Schemas in scenarios/ from the zod schemas. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLISHED } from '../scenarios/json-schema.ts';
import { SCENARIO_DIR } from '../scenarios/load.ts';

for (const { file, make } of PUBLISHED) {
  await writeFile(join(SCENARIO_DIR, file), `${JSON.stringify(make(), null, 2)}\n`);
  process.stdout.write(`wrote scenarios/${file}\n`);
}
