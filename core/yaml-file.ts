/**
 * Loading YAML input files with errors people can act on: every problem names the file, the line
 * and column, the path inside the document, and what was expected. Validation is zod's; this maps
 * zod's paths back to positions in the YAML source (the `yaml` library keeps node ranges).
 */
import { readFile } from 'node:fs/promises';
import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface InputIssue {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export class InputFileError extends Error {
  constructor(readonly issues: InputIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InputFileError';
  }
}

export function formatIssue(i: InputIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.path || '(document)'}: ${i.message}`;
}

export interface ParsedYaml {
  file: string;
  data: unknown;
  doc: Document.Parsed;
  lines: LineCounter;
}

export async function readYaml(file: string): Promise<ParsedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputFileError([
      {
        file,
        line: 0,
        column: 0,
        path: '',
        message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    ]);
  }
  return parseYaml(file, text);
}

export function parseYaml(file: string, text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputFileError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `not valid YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  }
  return { file, data: doc.toJS(), doc, lines };
}

/** Position of the node at `path`, or of its nearest existing ancestor. */
export function positionOf(
  p: ParsedYaml,
  path: readonly PropertyKey[],
  key?: string,
): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = p.doc.getIn(path.slice(0, n) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    let offset = node?.range?.[0];
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
      const k = pair && isPair(pair) && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      if (k !== undefined) offset = k;
    }
    if (offset !== undefined) {
      const pos = p.lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

export function issuesFromZod(
  p: ParsedYaml,
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
  mapPath: (path: readonly PropertyKey[]) => PropertyKey[] = (x) => [...x],
): InputIssue[] {
  const out: InputIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...mapPath(issue.path)];
    if (issue.code === 'unrecognized_keys') {
      // A schema's own message (e.g. naming the keys a fault takes) says more than zod's default.
      const own = !/^Unrecognized keys?:/.test(issue.message);
      for (const key of issue.keys) {
        out.push({
          file: p.file,
          ...positionOf(p, path, key),
          path: dotted([...path, key]),
          message: own ? issue.message : 'unknown key',
        });
      }
      continue;
    }
    // zod says "Invalid input" for a missing field of a union type; say what it is.
    const missing =
      issue.path.length > 0 &&
      p.doc.getIn(path as unknown[], true) === undefined &&
      !p.doc.hasIn(path as unknown[]);
    const message = missing ? 'required key is missing' : issue.message;
    out.push({ file: p.file, ...positionOf(p, path), path: dotted(path), message });
  }
  return out;
}

export function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
    .join('')
    .replace(/^\./, '');
}

/** Parses and validates a YAML file against a zod schema; throws InputFileError with positions. */
export async function loadYamlWith<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<{ value: z.output<S>; parsed: ParsedYaml }> {
  const parsed = await readYaml(file);
  const r = schema.safeParse(parsed.data);
  if (!r.success) throw new InputFileError(issuesFromZod(parsed, r.error));
  return { value: r.data, parsed };
}
