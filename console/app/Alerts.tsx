/** Alerts from the rules: firing first, then pending, then resolved. */
import type { AlertView } from '../api.ts';
import { useConsole } from './context.ts';
import { clockTime, labelsText, pct } from './format.ts';

const ORDER: Record<AlertView['state'], number> = { firing: 0, pending: 1, resolved: 2 };

/** AlertView carries no unit: shares as percentages, burn rates as multiples, the rest as numbers. */
export function alertValue(a: AlertView): string {
  const v = a.value;
  if (v === null || !Number.isFinite(v)) return '–';
  if (/burn/i.test(a.rule)) return `${v.toFixed(1)}×`;
  if (v >= 0 && v <= 1) return pct(v);
  return Number(v.toFixed(2)).toLocaleString('en-US');
}

export function alertId(a: AlertView): string {
  const labels = Object.entries(a.labels);
  return labels.length ? `${a.rule}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}` : a.rule;
}

export function Alerts(props: { alerts: AlertView[] }) {
  const { info } = useConsole();
  const alerts = [...props.alerts].sort((a, b) => ORDER[a.state] - ORDER[b.state] || b.since - a.since);
  const firing = alerts.filter((a) => a.state === 'firing').length;
  return (
    <section className={`panel alerts${firing ? ' has-firing' : ''}`} data-testid="alerts">
      <div className="panel-head">
        <h2>Alerts</h2>
        <span className="muted">{firing ? `${firing} firing` : 'none firing'}</span>
      </div>
      {alerts.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <table className="alert-table">
          <thead>
            <tr>
              <th>state</th>
              <th>rule</th>
              <th className="num">value</th>
              <th>since</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr
                key={`${alertId(a)}-${a.state}-${a.since}`}
                className={`alert-${a.state}`}
                data-testid={`alert-${a.rule}`}
                title={a.summary}
              >
                <td>
                  <span className={`badge alert-${a.state}`}>{a.state}</span>
                </td>
                <td>
                  <b>{a.rule}</b>
                  <div className="alert-labels">
                    <span className={`action action-${a.action}`}>{a.action}</span>{' '}
                    <span className="mono">{labelsText(a.labels)}</span>
                  </div>
                </td>
                <td className="num">{alertValue(a)}</td>
                <td className="mono">{clockTime(a.since, info.timeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
