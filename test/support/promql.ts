/**
 * The series a PromQL expression selects, read with Prometheus's own grammar
 * (@prometheus-io/lezer-promql): each vector selector's metric name and label matchers. Used to
 * hold the shipped rule file to the metric catalogue and to a live scrape.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
  text: string;
}

/** Every vector selector in the expression, in order. Throws on a syntax error. */
export function selectors(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const out: Selector[] = [];
  let bad: number | undefined;
  tree.iterate({
    enter(n) {
      if (n.type.isError && bad === undefined) bad = n.from;
      if (n.name !== 'VectorSelector') return;
      const node = n.node;
      const metric = node.getChild('Identifier');
      const matchers: Matcher[] = [];
      for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (!label || !op || !value) continue;
        matchers.push({
          label: expr.slice(label.from, label.to),
          op: expr.slice(op.from, op.to) as Matcher['op'],
          value: JSON.parse(expr.slice(value.from, value.to).replace(/^'|'$/g, '"')) as string,
        });
      }
      out.push({
        metric: metric ? expr.slice(metric.from, metric.to) : '',
        matchers,
        text: expr.slice(n.from, n.to),
      });
    },
  });
  if (bad !== undefined) throw new Error(`PromQL syntax error at ${bad}: ${expr}`);
  return out;
}

/** Whether a series (name and labels) is selected by the selector; only = and != matchers are read. */
export function selects(s: Selector, name: string, labels: Record<string, string>): boolean {
  if (s.metric !== name) return false;
  return s.matchers.every((m) => {
    const have = labels[m.label] ?? '';
    if (m.op === '=') return have === m.value;
    if (m.op === '!=') return have !== m.value;
    const re = new RegExp(`^(?:${m.value})$`);
    return m.op === '=~' ? re.test(have) : !re.test(have);
  });
}
