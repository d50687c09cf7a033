/** The incident: its recorded state, and every team action in runbook order. */
import type { ConsoleSnapshot } from '../api.ts';
import { FollowupForm, ResolveForm, ReviewForm, RootCauseForm, StatusForm } from './CloseForms.tsx';
import { useConsole } from './context.ts';
import { IncidentSummary } from './IncidentSummary.tsx';
import { Mitigations } from './Mitigations.tsx';
import {
  AcknowledgeForm,
  AssignForm,
  BridgeForm,
  ConfirmForm,
  DeclareForm,
  PageForm,
  ScopeForm,
} from './TriageForms.tsx';

export function IncidentPanel(props: { snapshot: ConsoleSnapshot }) {
  const { info, role } = useConsole();
  const { incident, alerts, status } = props.snapshot;
  return (
    <section className="panel incident" data-testid="incident-panel">
      <div className="panel-head">
        <h2>Incident</h2>
        <span className="muted">acting as {info.roles[role] ?? role}</span>
      </div>
      <IncidentSummary incident={incident} />
      <h3 className="step">Triage</h3>
      <AcknowledgeForm alerts={alerts} />
      <ConfirmForm />
      <ScopeForm />
      <h3 className="step">Classify and announce</h3>
      <DeclareForm />
      <PageForm />
      <AssignForm />
      <BridgeForm />
      <StatusForm lastState={status.at(-1)?.state ?? null} />
      <h3 className="step">Mitigate</h3>
      <Mitigations />
      <h3 className="step">Root cause and close</h3>
      <RootCauseForm />
      <FollowupForm />
      <ResolveForm resolved={incident.resolved !== null} />
      <ReviewForm />
    </section>
  );
}
