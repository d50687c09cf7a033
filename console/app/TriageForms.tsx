/** Runbook steps 1-3 as forms: acknowledge, confirm, scope, declare, page, assign roles, bridge. */
import { useState } from 'react';
import type { Role } from '../../core/actions.ts';
import type { Severity } from '../../core/severities.ts';
import type { AlertView } from '../api.ts';
import { ActForm } from './ActForm.tsx';
import { alertId } from './Alerts.tsx';
import { useConsole } from './context.ts';
import { isRole, ROLE_CHOICES } from './role.ts';
import type { ActionBody } from './use-act.ts';

const SEVERITY_HINTS: Record<string, string> = {
  SEV1: 'global outage; >25% cannot start, or rebuffer >15% globally',
  SEV2: 'regional outage or major degradation; >5% of viewers affected',
  SEV3: 'localised or partial; <5% affected, obvious workaround',
  SEV4: 'dashboard-visible, not user-visible',
};

export function AcknowledgeForm(props: { alerts: AlertView[] }) {
  // Firing before pending, pages first: the one to acknowledge is the default.
  const rank = (a: AlertView) => (a.state === 'firing' ? 0 : 2) + (a.action === 'page' ? 0 : 1);
  const open = props.alerts.filter((a) => a.state !== 'resolved').sort((a, b) => rank(a) - rank(b));
  const [alert, setAlert] = useState('');
  const options = open.map(alertId);
  const chosen = alert && options.includes(alert) ? alert : (options[0] ?? '');
  return (
    <ActForm
      kind="acknowledge"
      title="Acknowledge"
      submit="Acknowledge"
      build={() => ({ kind: 'acknowledge', ...(chosen ? { alert: chosen } : {}) })}
    >
      <select
        data-testid="acknowledge-alert"
        value={chosen}
        onChange={(e) => setAlert(e.target.value)}
        aria-label="Alert"
      >
        {options.length === 0 && <option value="">(no open alert)</option>}
        {open.map((a) => (
          <option key={alertId(a)} value={alertId(a)}>
            {alertId(a)} ({a.state})
          </option>
        ))}
      </select>
    </ActForm>
  );
}

export function ConfirmForm() {
  const [source, setSource] = useState('');
  return (
    <ActForm
      kind="confirm"
      title="Confirm it is real"
      hint="cross-check one independent source"
      submit="Confirmed"
      build={() => (source.trim() ? { kind: 'confirm', source: source.trim() } : null)}
      onDone={() => setSource('')}
      disabled={!source.trim()}
    >
      <input
        data-testid="confirm-source"
        value={source}
        placeholder="e.g. CMCD buffer starvation at the cdn-a EMEA edges"
        onChange={(e) => setSource(e.target.value)}
      />
    </ActForm>
  );
}

export function ScopeForm() {
  const { info } = useConsole();
  const [f, setF] = useState({ region: '', cdn: '', pop: '', isp: '', device: '', viewers: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF((prev) => ({ ...prev, [k]: e.target.value }));
  const build = () => {
    const body: Extract<ActionBody, { kind: 'scope' }> = { kind: 'scope' };
    for (const k of ['region', 'cdn', 'pop', 'isp', 'device'] as const) {
      if (f[k].trim()) body[k] = f[k].trim();
    }
    if (f.viewers.trim()) body.viewersAffected = Number(f.viewers);
    return Object.keys(body).length > 1 ? body : null;
  };
  return (
    <ActForm
      kind="scope"
      title="Scope the impact"
      hint="which viewers, where"
      submit="Set scope"
      build={build}
    >
      <select data-testid="scope-region" value={f.region} onChange={set('region')} aria-label="Region">
        <option value="">region…</option>
        {info.regions.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <select data-testid="scope-cdn" value={f.cdn} onChange={set('cdn')} aria-label="CDN">
        <option value="">CDN…</option>
        {info.cdns.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <input
        data-testid="scope-pop"
        className="short"
        value={f.pop}
        onChange={set('pop')}
        placeholder="POP"
      />
      <input
        data-testid="scope-isp"
        className="short"
        value={f.isp}
        onChange={set('isp')}
        placeholder="ISP"
      />
      <input
        data-testid="scope-device"
        className="short"
        value={f.device}
        onChange={set('device')}
        placeholder="device"
      />
      <input
        data-testid="scope-viewers"
        className="short"
        type="number"
        min={0}
        value={f.viewers}
        onChange={set('viewers')}
        placeholder="viewers hit"
      />
    </ActForm>
  );
}

export function DeclareForm() {
  const { info } = useConsole();
  const [severity, setSeverity] = useState('');
  return (
    <ActForm
      kind="declare"
      title="Declare severity"
      hint={severity ? SEVERITY_HINTS[severity] : 'pick against the grid'}
      submit="Declare"
      disabled={!severity}
      build={() => (severity ? { kind: 'declare', severity: severity as Severity } : null)}
    >
      <fieldset className="seg" aria-label="Severity">
        {info.severities.map((s) => (
          <button
            type="button"
            key={s}
            aria-pressed={severity === s}
            data-testid={`severity-${s}`}
            className={`sev-choice sev-${s}${severity === s ? ' active' : ''}`}
            title={SEVERITY_HINTS[s]}
            onClick={() => setSeverity(s)}
          >
            {s}
          </button>
        ))}
      </fieldset>
    </ActForm>
  );
}

export function PageForm() {
  const { info } = useConsole();
  const [who, setWho] = useState('');
  return (
    <ActForm
      kind="page"
      title="Page"
      hint="ic, manager, sme or vendor:<name>"
      submit="Page"
      disabled={!who.trim()}
      build={() => (who.trim() ? { kind: 'page', who: who.trim() } : null)}
      onDone={() => setWho('')}
    >
      <input
        data-testid="page-who"
        list="page-who-options"
        value={who}
        placeholder="who"
        onChange={(e) => setWho(e.target.value)}
      />
      <datalist id="page-who-options">
        <option value="ic" />
        <option value="manager" />
        <option value="sme" />
        {info.cdns.map((c) => (
          <option key={c} value={`vendor:${c}`} />
        ))}
      </datalist>
    </ActForm>
  );
}

export function AssignForm() {
  const [assignee, setAssignee] = useState<Role>('ic');
  const [alias, setAlias] = useState('');
  return (
    <ActForm
      kind="assign"
      title="Assign a role"
      submit="Assign"
      build={() => ({ kind: 'assign', assignee, ...(alias.trim() ? { alias: alias.trim() } : {}) })}
      onDone={() => setAlias('')}
    >
      <select
        data-testid="assign-role"
        value={assignee}
        aria-label="Role"
        onChange={(e) => {
          if (isRole(e.target.value)) setAssignee(e.target.value);
        }}
      >
        {ROLE_CHOICES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.short}
          </option>
        ))}
      </select>
      <input
        data-testid="assign-alias"
        value={alias}
        placeholder="name (optional)"
        onChange={(e) => setAlias(e.target.value)}
      />
    </ActForm>
  );
}

export function BridgeForm() {
  return (
    <ActForm
      kind="bridge"
      title="Executive bridge"
      hint="SEV1: within 30 min"
      submit="Open the bridge"
      build={() => ({ kind: 'bridge' })}
    />
  );
}
