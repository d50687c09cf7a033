/** One line naming each zod issue's path and what was expected: how API and input errors read. */
import type { z } from 'zod';

export function zodIssuesLine(error: z.ZodError, root = '(root)'): string {
  return error.issues.map((i) => `${i.path.join('.') || root}: ${i.message}`).join('; ');
}
