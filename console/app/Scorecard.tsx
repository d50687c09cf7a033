/** After the drill: the score, severity truth against what was declared, and every item. */
import type { ScorecardView } from '../api.ts';
import { withToken } from './api-client.ts';

export function Scorecard(props: { scorecard: ScorecardView; reportUrl: string | null }) {
  const { score, severity, items } = props.scorecard;
  const grade = score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor';
  return (
    <section className="panel scorecard" data-testid="scorecard">
      <div className="scorecard-head">
        <div className={`score score-${grade}`} data-testid="score">
          {Math.round(score)}
          <span>/100</span>
        </div>
        <div className="severity-truth">
          <div>
            Severity: declared <b>{severity.declared ?? 'none'}</b>, truth <b>{severity.truth}</b>
          </div>
          <div className="muted">{severity.comparison}</div>
        </div>
        {props.reportUrl && (
          <a className="report-link" href={withToken(props.reportUrl)} target="_blank" rel="noreferrer">
            Open the full report →
          </a>
        )}
      </div>
      <table className="score-items">
        <thead>
          <tr>
            <th />
            <th>item</th>
            <th>target</th>
            <th>measured</th>
            <th>why</th>
          </tr>
        </thead>
        <tbody>
          {items.map((it) => (
            <tr key={it.id} className={it.pass === null ? 'na' : it.pass ? 'pass' : 'fail'}>
              <td className="verdict">{it.pass === null ? 'n/a' : it.pass ? '✓' : '✗'}</td>
              <td>{it.name}</td>
              <td>{it.target}</td>
              <td>{it.measured}</td>
              <td className="muted">{it.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
