/**
 * Loading YAML input files with errors people can act on: every problem names the file, the line
 * and column, the path inside the document, and what was expected. Validation is zod's; this maps
 * zod's paths back to positions in the YAML source (the `yaml` library keeps node ranges).
 */
import { readFile, stat } from 'node:fs/promises';
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

/**
 * The largest input file read (scenarios, rules, runbooks are a few kB; the catalogue's largest is
 * ~8 kB): a 50 MB file would take gigabytes and minutes to parse and validate.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

export async function readYaml(file: string): Promise<ParsedYaml> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_INPUT_BYTES)
      throw new InputFileError([
        {
          file,
          line: 0,
          column: 0,
          path: '',
          message: `the file is ${(size / 1024 / 1024).toFixed(1)} MB: expected at most ${MAX_INPUT_BYTES / 1024 / 1024} MB`,
        },
      ]);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof InputFileError) throw err;
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
  let data: unknown;
  try {
    // The yaml library refuses documents whose aliases expand without bound (a "billion laughs").
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputFileError([
      { file, line: 1, column: 1, path: '', message: `not usable YAML: ${(err as Error).message}` },
    ]);
  }
  return { file, data, doc, lines };
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

/**
 * zod reports a value that fits no branch of a union as one "Invalid input" at the union; the
 * branch the author meant is the one that came closest: the fewest issues, the deepest path. Its
 * issues are what the author can act on (`rules[0].window: too small`, not `rules[0]: Invalid input`).
 */
export function explainUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) {
      out.push(issue);
      continue;
    }
    const depth = (b: readonly z.core.$ZodIssue[]) => Math.max(0, ...b.map((i) => i.path.length));
    const best = [...issue.errors].sort(
      (a, b) =>
        a.filter((i) => i.code !== 'unrecognized_keys').length -
          b.filter((i) => i.code !== 'unrecognized_keys').length ||
        a.length - b.length ||
        depth(b) - depth(a),
    )[0]!;
    if (best.length === 0) {
      out.push(issue);
      continue;
    }
    out.push(...explainUnions(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))));
  }
  return out;
}

export function issuesFromZod(
  p: ParsedYaml,
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
  mapPath: (path: readonly PropertyKey[]) => PropertyKey[] = (x) => [...x],
): InputIssue[] {
  const out: InputIssue[] = [];
  for (const issue of explainUnions(error.issues as z.core.$ZodIssue[])) {
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
