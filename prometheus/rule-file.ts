/**
 * Reading a team's Prometheus rule file just enough to write expectations for promtool: each
 * alert's static labels (promtool compares label sets exactly) and its annotations, rendered for
 * the simple `{{ $labels.x }}` templates. Annotations that need more (`$value`, functions) cannot
 * be predicted; the runner then tests a copy of the file without annotations.
 */
import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';

export interface PromAlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface RawGroup {
  name?: unknown;
  rules?: unknown;
}

export class PromRuleFileError extends Error {}

export function parsePromRules(text: string, file = 'rules'): PromAlertRule[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new PromRuleFileError(`${file}: not YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups))
    throw new PromRuleFileError(`${file}: not a Prometheus rule file (no groups list)`);
  const out: PromAlertRule[] = [];
  for (const g of groups as RawGroup[]) {
    for (const r of Array.isArray(g?.rules) ? (g.rules as Record<string, unknown>[]) : []) {
      if (typeof r?.alert !== 'string') continue;
      out.push({
        alert: r.alert,
        expr: String(r.expr ?? ''),
        ...(r.for !== undefined ? { for: String(r.for) } : {}),
        labels: stringRecord(r.labels),
        annotations: stringRecord(r.annotations),
      });
    }
  }
  return out;
}

export async function readPromRules(file: string): Promise<{ text: string; rules: PromAlertRule[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PromRuleFileError(
      `${file}: cannot read the Prometheus rule file (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  return { text, rules: parsePromRules(text, file) };
}

const stringRecord = (v: unknown): Record<string, string> =>
  v && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]))
    : {};

const LABEL_TEMPLATE = /\{\{-?\s*(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g;

/** Renders `{{ $labels.x }}` / `{{ .Labels.x }}`; null when the text uses any other template. */
export function renderLabelTemplate(text: string, labels: Record<string, string>): string | null {
  const rendered = text.replace(LABEL_TEMPLATE, (_, k: string) => labels[k] ?? '<no value>');
  return rendered.includes('{{') ? null : rendered;
}

/** True if every annotation (and label) of these alerts can be predicted from the labels alone. */
export function predictable(rules: readonly PromAlertRule[]): boolean {
  return rules.every((r) =>
    [...Object.values(r.annotations), ...Object.values(r.labels)].every(
      (v) => renderLabelTemplate(v, {}) !== null,
    ),
  );
}

/** The rule file without annotations (same groups, exprs, `for`s and labels). */
export function withoutAnnotations(text: string): string {
  const doc = parse(text) as { groups: { rules?: Record<string, unknown>[] }[] };
  for (const g of doc.groups) for (const r of g.rules ?? []) delete r.annotations;
  return stringify(doc, { lineWidth: 0 });
}
