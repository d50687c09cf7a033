/** The four scripted mitigations, one click each (then a confirmation saying what will happen). */
import { useState } from 'react';
import type { LeverOption } from '../api.ts';
import { ActionFeedback } from './ActionFeedback.tsx';
import { useConsole } from './context.ts';
import { useAct } from './use-act.ts';

const LEVER_TITLES: Record<LeverOption['lever'], string> = {
  steer: 'Steer to the secondary CDN',
  rollback: 'Roll back a deploy',
  failover: 'Fail over to the backup origin',
  'disable-flag': 'Disable a feature flag',
};
const LEVER_ORDER: LeverOption['lever'][] = ['steer', 'rollback', 'failover', 'disable-flag'];

export function Mitigations() {
  const { info, role } = useConsole();
  const { act, busy, error, done, clear } = useAct();
  const [pending, setPending] = useState<LeverOption | null>(null);

  const groups = LEVER_ORDER.map((lever) => ({
    lever,
    options: info.levers.filter((l) => l.lever === lever),
  })).filter((g) => g.options.length > 0);

  return (
    <div className="mitigations" data-testid="mitigations">
      {groups.map((g) => (
        <div key={g.lever} className="lever-group">
          <h4>{LEVER_TITLES[g.lever]}</h4>
          <div className="lever-buttons">
            {g.options.map((l) => (
              <button
                type="button"
                key={l.id}
                data-testid={`lever-${l.id}`}
                className="lever"
                disabled={busy}
                onClick={() => {
                  clear();
                  setPending(l);
                }}
              >
                {l.label}
              </button>
            ))}
          </div>
        </div>
      ))}
      {info.levers.length === 0 && <p className="muted">No levers on this stack.</p>}
      <ActionFeedback error={error} done={done} />
      {pending && (
        <div className="modal-backdrop">
          <div
            className="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby="confirm-title"
            data-testid="confirm-dialog"
          >
            <h3 id="confirm-title" className="modal-title">
              {pending.label}?
            </h3>
            <p>{pending.confirm}</p>
            <p className="muted">Posted as {role}. This changes the running stack.</p>
            <div className="modal-buttons">
              <button type="button" data-testid="cancel-mitigation" onClick={() => setPending(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="primary danger"
                data-testid="confirm-mitigation"
                disabled={busy}
                onClick={() => {
                  const l = pending;
                  setPending(null);
                  void act({ kind: 'mitigate', lever: l.lever, args: l.args });
                }}
              >
                {pending.label}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
