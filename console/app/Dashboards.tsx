/**
 * The seven war-room dashboards, in the playbook's order, as status tiles. Opening one posts a
 * `dashboard` action (how "checked the seven dashboards" is scored) and shows it below the tiles.
 */
import { useState } from 'react';
import { DASHBOARD_NAMES, type DashboardId, type DashboardSummary } from '../api.ts';
import { api } from './api-client.ts';
import { useConsole } from './context.ts';
import { DashboardPanel } from './DashboardPanel.tsx';
import { useAct } from './use-act.ts';
import { usePoll } from './use-poll.ts';

export function Dashboards() {
  const { info } = useConsole();
  const [summaries, setSummaries] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<DashboardId | null>(null);
  const { act, error: actError } = useAct();

  usePoll(async () => {
    try {
      setSummaries(await api.dashboards());
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, 3000);

  const tiles: DashboardSummary[] =
    summaries ??
    info.dashboards.map((d) => ({ id: d.id, name: d.name, status: 'ok' as const, headline: 'loading…' }));

  const toggle = (id: DashboardId) => {
    if (open === id) {
      setOpen(null);
      return;
    }
    setOpen(id);
    void act({ kind: 'dashboard', dashboard: id });
  };

  return (
    <section className="panel dashboards" data-testid="dashboards">
      <div className="panel-head">
        <h2>The seven dashboards</h2>
        {error && <span className="error">{error}</span>}
      </div>
      <div className="tiles">
        {tiles.map((d, i) => (
          <button
            type="button"
            key={d.id}
            data-testid={`dashboard-${d.id}`}
            className={`tile status-${summaries ? d.status : 'unknown'}${open === d.id ? ' open' : ''}`}
            aria-pressed={open === d.id}
            onClick={() => toggle(d.id)}
          >
            <span className="tile-top">
              <span className="tile-num">{i + 1}</span>
              <span className={`badge status-${summaries ? d.status : 'unknown'}`}>
                {summaries ? d.status : '…'}
              </span>
            </span>
            <span className="tile-name">{d.name || DASHBOARD_NAMES[d.id]}</span>
            <span className="tile-headline">{d.headline}</span>
          </button>
        ))}
      </div>
      {open && <DashboardPanel key={open} id={open} actError={actError} onClose={() => setOpen(null)} />}
    </section>
  );
}
