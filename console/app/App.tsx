/**
 * The war-room console: one page, polled from the console server about once a second. Every panel
 * reads the snapshot; every button posts an action as the role chosen in the header.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Role } from '../../core/actions.ts';
import type { ConsoleInfo, ConsoleSnapshot, QoePoint } from '../api.ts';
import { Alerts } from './Alerts.tsx';
import { api } from './api-client.ts';
import { CdnSplit } from './CdnSplit.tsx';
import { ConsoleContext, type ConsoleContextValue } from './context.ts';
import { Dashboards } from './Dashboards.tsx';
import { Header } from './Header.tsx';
import { IncidentPanel } from './IncidentPanel.tsx';
import { Narration } from './Narration.tsx';
import { QoeOverview } from './QoeOverview.tsx';
import { loadRole, saveRole } from './role.ts';
import { Scorecard } from './Scorecard.tsx';
import { ScribeTimeline } from './ScribeTimeline.tsx';
import { StatusPage } from './StatusPage.tsx';
import { TrainerView } from './TrainerView.tsx';
import { usePoll } from './use-poll.ts';

export function App() {
  const [info, setInfo] = useState<ConsoleInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [snapshot, setSnapshot] = useState<ConsoleSnapshot | null>(null);
  const [connError, setConnError] = useState<string | null>(null);
  const [qoe, setQoe] = useState<QoePoint[]>([]);
  const lastQoe = useRef<number | undefined>(undefined);
  const [role, setRoleState] = useState<Role>(loadRole);
  const [trainerOpen, setTrainerOpen] = useState(false);

  usePoll(
    async () => {
      try {
        setInfo(await api.info());
        setInfoError(null);
      } catch (err) {
        setInfoError((err as Error).message);
      }
    },
    2000,
    info === null,
  );

  const refresh = usePoll(
    async () => {
      try {
        const since = lastQoe.current;
        const [snap, fresh] = await Promise.all([api.snapshot(), api.qoe(since)]);
        setSnapshot(snap);
        setConnError(null);
        if (since !== undefined && snap.clock.now < since - 60_000) {
          // The drill clock went back (a new drill behind the same server): start the history again.
          lastQoe.current = undefined;
          setQoe([]);
          return;
        }
        const add = since === undefined ? fresh : fresh.filter((p) => p.t > since);
        const last = add.at(-1);
        if (last) {
          lastQoe.current = last.t;
          setQoe((prev) => prev.concat(add));
        }
      } catch (err) {
        setConnError((err as Error).message);
      }
    },
    1000,
    info !== null,
  );

  const setRole = useCallback((r: Role) => {
    saveRole(r);
    setRoleState(r);
  }, []);

  const ctx = useMemo<ConsoleContextValue | null>(
    () => (info ? { info, role, refresh } : null),
    [info, role, refresh],
  );

  if (!ctx || !info) {
    return (
      <div className="loading">
        <h1>streamdrill war room</h1>
        <p>{infoError ? `Waiting for the console server: ${infoError}` : 'Connecting…'}</p>
      </div>
    );
  }

  return (
    <ConsoleContext.Provider value={ctx}>
      <div className="app">
        <Header
          snapshot={snapshot}
          connError={connError}
          onRole={setRole}
          trainerOpen={trainerOpen}
          onTrainerOpen={setTrainerOpen}
        />
        {info.trainer && trainerOpen && <TrainerView />}
        {snapshot && <Narration items={snapshot.narration} />}
        {snapshot?.scorecard && <Scorecard scorecard={snapshot.scorecard} reportUrl={snapshot.reportUrl} />}
        <main className="layout">
          <div className="col col-main">
            <QoeOverview qoe={qoe} snapshot={snapshot} />
            <Dashboards />
            <ScribeTimeline entries={snapshot?.timeline ?? []} />
          </div>
          <div className="col col-side">
            <Alerts alerts={snapshot?.alerts ?? []} />
            <CdnSplit latest={snapshot?.latest ?? qoe.at(-1) ?? null} />
            <StatusPage posts={snapshot?.status ?? []} />
          </div>
          <div className="col col-incident">{snapshot && <IncidentPanel snapshot={snapshot} />}</div>
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}
