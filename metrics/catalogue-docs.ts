/**
 * The documentation tables generated from the metric catalogue: the metric table of
 * docs/metrics.md and the Prometheus name table of docs/prometheus.md. `npm run docs` writes them
 * between their markers; a test fails when the docs and the catalogue disagree.
 */
import { type Aggregation, HISTOGRAMS, METRICS, type MetricDef, PROM_SLICE_LABELS } from './catalogue.ts';

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

const title = (id: string) => METRICS.find((m) => m.id === id)?.title.toLowerCase() ?? id;

function combines(a: Aggregation): string {
  switch (a.kind) {
    case 'sum':
      return 'adds over slices and windows';
    case 'now':
      return 'at the window end: adds over slices, averaged over time';
    case 'ratio':
      return `ratio of sums (${title(a.numerator)} / ${title(a.denominator)}): add the parts, never average the ratios`;
    case 'quantile':
      return 'recomputed from the observations (the histogram), never averaged';
    case 'mean':
      return 'sum / count of the observations';
  }
}

/** The table of docs/metrics.md: every metric with its meaning, unit, aggregation and source. */
export function metricTable(): string {
  const rows = (METRICS as readonly MetricDef[]).map(
    (m) =>
      `| **${cell(m.title)}** (\`${m.id}\`) | ${cell(m.meaning)} | ${m.unit} | ${cell(combines(m.aggregation))} | ${cell(m.source)} | ${cell(m.differs)} |`,
  );
  const hist = HISTOGRAMS.map(
    (h) =>
      `| **${cell(h.title)} histogram** | ${cell(h.meaning)} | ${h.unit} | buckets (s): ${h.buckets.join(', ')}, +Inf | ${cell(h.source)} | |`,
  );
  return [
    '| metric | definition | unit | combines | source | where we differ |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...hist,
  ].join('\n');
}

/** The table of docs/prometheus.md: every Prometheus series of the catalogue. */
export function prometheusTable(): string {
  const slices = PROM_SLICE_LABELS.map((l) => `\`${l}\``).join(', ');
  const rows: string[] = [];
  for (const m of METRICS as readonly MetricDef[]) {
    if (m.gauge)
      rows.push(
        `| \`${m.gauge.name}\` | gauge (last minute) | \`${m.id}\` — ${cell(m.title.toLowerCase())} | none, or one of ${slices} | ${m.impact ? `yes (\`${m.impact}\`)` : 'no (live only)'} |`,
      );
    if (m.counter)
      rows.push(
        `| \`${m.counter.name}\` | counter (since the start) | \`${m.id}\` — ${cell(m.title.toLowerCase())} | all of ${slices} | no (live only) |`,
      );
  }
  for (const h of HISTOGRAMS)
    rows.push(
      `| \`${h.name}\` | histogram (real starts, unweighted) | ${cell(h.title.toLowerCase())} | all of ${slices} | no (live only) |`,
    );
  return [
    '| Prometheus name | type | streamdrill metric | labels | exported from journals |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The generated tables, by the marker name they sit between in docs/ (`<!-- name:begin -->`). */
export const GENERATED_DOCS = [
  { file: 'docs/metrics.md', marker: 'metric-table', text: metricTable },
  { file: 'docs/prometheus.md', marker: 'prometheus-names', text: prometheusTable },
] as const;

/** The document with the generated text between its markers (throws when they are missing). */
export function withGenerated(doc: string, marker: string, text: string): string {
  const begin = `<!-- ${marker}:begin (generated from metrics/catalogue.ts by npm run docs) -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no ${begin} … ${end} markers`);
  return `${doc.slice(0, a + begin.length)}\n${text}\n${doc.slice(b)}`;
}
