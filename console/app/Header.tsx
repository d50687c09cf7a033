/** The top bar: scenario, drill clock, phase, who I am, and (trainer mode) the trainer's controls. */
import type { Role } from '../../core/actions.ts';
import type { ConsoleSnapshot } from '../api.ts';
import { useConsole } from './context.ts';
import { clockDate, clockTime, tPlus } from './format.ts';
import { isRole, ROLE_CHOICES } from './role.ts';
import { TrainerBar } from './TrainerBar.tsx';

const PHASES: Record<ConsoleSnapshot['clock']['phase'], string> = {
  warmup: 'warm-up',
  running: 'running',
  ended: 'ended',
};

export function Header(props: {
  snapshot: ConsoleSnapshot | null;
  connError: string | null;
  onRole: (role: Role) => void;
  trainerOpen: boolean;
  onTrainerOpen: (open: boolean) => void;
}) {
  const { info, role } = useConsole();
  const clock = props.snapshot?.clock;
  return (
    <header className="header">
      <div className="header-main">
        <div className="title">
          <h1 title={info.scenario.description}>{info.scenario.title}</h1>
          <div className="subtitle">
            {info.scenario.name} · {info.mode === 'virtual' ? 'virtual stack' : 'real stack'}
            {clock ? ` · ${clockDate(clock.now, info.timeZone)}` : ''}
          </div>
        </div>
        <div className="clock" data-testid="drill-clock">
          <span className="clock-time">{clock ? clockTime(clock.now, info.timeZone) : '--:--:--'}</span>
          <span className="clock-zone">{info.timeZone}</span>
          <span className="clock-offset">{clock ? tPlus(clock.now, info.startMs) : ''}</span>
        </div>
        <div className="phase">
          {clock && (
            <span className={`badge phase-${clock.phase}`} data-testid="phase">
              {PHASES[clock.phase]}
            </span>
          )}
          {clock?.paused && <span className="badge paused">paused</span>}
          {clock && clock.speed !== 1 && <span className="badge speed">{clock.speed}×</span>}
          {props.connError && (
            <span className="badge conn-error" title={props.connError}>
              connection lost
            </span>
          )}
        </div>
        <label className="role-select">
          <span>I am:</span>
          <select
            data-testid="role-select"
            value={role}
            onChange={(e) => {
              if (isRole(e.target.value)) props.onRole(e.target.value);
            }}
          >
            {ROLE_CHOICES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.short}
              </option>
            ))}
          </select>
        </label>
      </div>
      {info.trainer && (
        <TrainerBar clock={clock ?? null} open={props.trainerOpen} onOpen={props.onTrainerOpen} />
      )}
    </header>
  );
}
