/** Rewrites the documentation tables generated from the metric catalogue (metrics/catalogue-docs.ts). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATED_DOCS, withGenerated } from '../metrics/catalogue-docs.ts';

const ROOT = join(import.meta.dirname, '..');
for (const { file, marker, text } of GENERATED_DOCS) {
  const path = join(ROOT, file);
  await writeFile(path, withGenerated(await readFile(path, 'utf8'), marker, text()));
  process.stdout.write(`wrote ${file} (${marker})\n`);
}
