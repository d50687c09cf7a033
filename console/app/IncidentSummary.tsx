/** The incident as recorded so far: who acknowledged and declared when, scope, roles, mitigations. */
import type { IncidentState } from '../api.ts';
import { useConsole } from './context.ts';
import { clockTime } from './format.ts';
import { roleShort } from './role.ts';

export function IncidentSummary(props: { incident: IncidentState }) {
  const { info } = useConsole();
  const inc = props.incident;
  const at = (t: number) => clockTime(t, info.timeZone);
  const by = (x: { t: number; role: string }) => (
    <span className="by">
      {roleShort(x.role)} at {at(x.t)}
    </span>
  );
  const roles = Object.entries(inc.roles);
  return (
    <dl className="kv incident-summary" data-testid="incident-state">
      <div className="kv-row">
        <dt>Acknowledged</dt>
        <dd>{inc.acknowledged ? by(inc.acknowledged) : <span className="muted">not yet</span>}</dd>
      </div>
      <div className="kv-row">
        <dt>Severity</dt>
        <dd>
          {inc.declared ? (
            <>
              <span className={`badge sev sev-${inc.declared.severity}`}>{inc.declared.severity}</span>{' '}
              {by(inc.declared)}
            </>
          ) : (
            <span className="muted">not declared</span>
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Scope</dt>
        <dd>
          {inc.scope ? (
            <>
              <span className="mono">
                {Object.entries(inc.scope.scope)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}
              </span>{' '}
              {by(inc.scope)}
            </>
          ) : (
            <span className="muted">not scoped</span>
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Roles</dt>
        <dd>
          {roles.length === 0 ? (
            <span className="muted">none assigned</span>
          ) : (
            roles.map(([r, v]) => (
              <span key={r} className="chip">
                {roleShort(r)}
                {v?.alias ? `: ${v.alias}` : ''}
              </span>
            ))
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Mitigations</dt>
        <dd>
          {inc.mitigations.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="plain">
              {inc.mitigations.map((m) => (
                <li key={`${m.t}-${m.lever}`}>
                  <b>{m.summary || m.lever}</b> {by(m)}{' '}
                  <span className="muted mono" data-testid="mitigation-undo">
                    undo: {m.undo.lever}{' '}
                    {Object.entries(m.undo.args)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(' ')}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Root cause</dt>
        <dd>
          {inc.rootCause ? (
            <>
              {inc.rootCause.cause} {by(inc.rootCause)}
            </>
          ) : (
            <span className="muted">unknown</span>
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Resolved</dt>
        <dd>{inc.resolved ? by(inc.resolved) : <span className="muted">open</span>}</dd>
      </div>
    </dl>
  );
}
