/** What only the trainer sees: the faults in force, what the team should conclude, true impact. */
import { useState } from 'react';
import type { TrainerView as TrainerViewData } from '../api.ts';
import { api } from './api-client.ts';
import { useConsole } from './context.ts';
import { clockTime, pct, tPlus } from './format.ts';
import { usePoll } from './use-poll.ts';

const show = (x: unknown): string =>
  x && typeof x === 'object'
    ? Object.entries(x)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('/') : String(v)}`)
        .join(' ')
    : String(x ?? '–');

export function TrainerView() {
  const { info } = useConsole();
  const [view, setView] = useState<TrainerViewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  usePoll(async () => {
    try {
      setView(await api.trainer());
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, 2000);
  const at = (t: number) => `${clockTime(t, info.timeZone)} (${tPlus(t, info.startMs)})`;

  return (
    <section className="panel trainer-view" data-testid="trainer-view">
      <h2 className="trainer-title">Trainer view — not shown to the team</h2>
      {error && <p className="error">{error}</p>}
      {view && (
        <div className="trainer-grid">
          <div>
            <h3 className="trainer-sub">Faults in force</h3>
            {view.faults.length === 0 ? (
              <p className="muted">none</p>
            ) : (
              <ul>
                {view.faults.map((f) => (
                  <li key={f.id}>
                    <b>{f.fault}</b> on {show(f.target)} since {at(f.since)}
                    {f.until !== undefined && ` until ${at(f.until)}`}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3 className="trainer-sub">Expected</h3>
            {view.expected ? (
              <dl className="kv">
                <div className="kv-row">
                  <dt>Scope</dt>
                  <dd>{view.expected.scope ? show(view.expected.scope) : '–'}</dd>
                </div>
                <div className="kv-row">
                  <dt>Severity</dt>
                  <dd>{view.expected.severity ?? '–'}</dd>
                </div>
                <div className="kv-row">
                  <dt>Mitigations</dt>
                  <dd>{view.expected.mitigations?.join(', ') || '–'}</dd>
                </div>
              </dl>
            ) : (
              <p className="muted">no expectations in this scenario</p>
            )}
          </div>
          <div>
            <h3 className="trainer-sub">True impact</h3>
            {view.impact ? (
              <dl className="kv">
                <div className="kv-row">
                  <dt>Affected</dt>
                  <dd>{pct(view.impact.affectedShare)} of viewers</dd>
                </div>
                {Object.entries(view.impact.byRegion).map(([r, share]) => (
                  <div key={r} className="kv-row">
                    <dt>{r}</dt>
                    <dd>{pct(share)}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="muted">no impact yet</p>
            )}
          </div>
          <div>
            <h3 className="trainer-sub">Coming up</h3>
            {view.upcoming.length === 0 ? (
              <p className="muted">nothing scheduled</p>
            ) : (
              <ul>
                {view.upcoming.slice(0, 8).map((u) => (
                  <li key={`${u.at}-${u.kind}-${u.text}`}>
                    <span className="mono">{tPlus(u.at, info.startMs)}</span>{' '}
                    <span className={`badge kind-${u.kind}`}>{u.kind}</span> {u.text}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
