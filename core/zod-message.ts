/** One line naming each zod issue's path and what was expected: how API and input errors read. */
import type { z } from 'zod';
import { explainUnions } from './yaml-file.ts';

export function zodIssuesLine(error: z.ZodError, root = '(root)'): string {
  return explainUnions(error.issues as z.core.$ZodIssue[])
    .map((i) => `${i.path.join('.') || root}: ${i.message}`)
    .join('; ');
}
