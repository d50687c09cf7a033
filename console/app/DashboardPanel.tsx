/** One open dashboard, refreshed every few seconds: its tables (unhealthy rows highlighted) and notes. */
import { useState } from 'react';
import type { Dashboard, DashboardId } from '../api.ts';
import { api } from './api-client.ts';
import { usePoll } from './use-poll.ts';

export function DashboardPanel(props: { id: DashboardId; actError: string | null; onClose: () => void }) {
  const [dash, setDash] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  usePoll(async () => {
    try {
      setDash(await api.dashboard(props.id));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, 3000);

  return (
    <div className={`dashboard-panel status-${dash?.status ?? 'unknown'}`} data-testid="dashboard-panel">
      <div className="panel-head">
        <h3>{dash?.name ?? props.id}</h3>
        {dash && <span className={`badge status-${dash.status}`}>{dash.status}</span>}
        {dash && <span className="headline">{dash.headline}</span>}
        <button type="button" className="close" onClick={props.onClose} aria-label="Close dashboard">
          ×
        </button>
      </div>
      {props.actError && <p className="error">Could not record the dashboard check: {props.actError}</p>}
      {error && <p className="error">{error}</p>}
      {!dash && !error && <p className="muted">loading…</p>}
      {dash && (
        <>
          <div className="dash-tables">
            {dash.tables.map((table) => (
              <table key={table.caption} className="dash-table">
                <caption>{table.caption}</caption>
                <thead>
                  <tr>
                    {table.columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {table.rows.map((row, r) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
                    <tr key={r} className={table.hot.includes(r) ? 'hot' : ''}>
                      {row.map((cell, c) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                        <td key={c} className={typeof cell === 'number' ? 'num' : ''}>
                          {typeof cell === 'number' ? Number(cell.toFixed(3)).toLocaleString('en-US') : cell}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </div>
          {dash.notes.length > 0 && (
            <ul className="notes">
              {dash.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
