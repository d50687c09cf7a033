/** Trainer mode: pause/resume, playback speed, injects, and the trainer-only view toggle. */
import { useState } from 'react';
import type { ConsoleSnapshot, TrainerControl } from '../api.ts';
import { api } from './api-client.ts';
import { useConsole } from './context.ts';

const SPEEDS = [1, 2, 5, 10, 30, 60];

export function TrainerBar(props: {
  clock: ConsoleSnapshot['clock'] | null;
  open: boolean;
  onOpen: (open: boolean) => void;
}) {
  const { refresh } = useConsole();
  const [inject, setInject] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const control = async (c: TrainerControl): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await api.control(c);
      refresh();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const paused = props.clock?.paused ?? false;
  return (
    <div className="trainer-bar" data-testid="trainer-bar">
      <span className="trainer-label">Trainer</span>
      <button
        type="button"
        data-testid="trainer-pause"
        disabled={busy}
        onClick={() => void control({ op: paused ? 'resume' : 'pause' })}
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <fieldset className="speeds" aria-label="Drill speed">
        {SPEEDS.map((s) => (
          <button
            type="button"
            key={s}
            data-testid={`trainer-speed-${s}`}
            className={props.clock?.speed === s ? 'active' : ''}
            disabled={busy}
            onClick={() => void control({ op: 'speed', speed: s })}
          >
            {s}×
          </button>
        ))}
      </fieldset>
      <form
        className="inject"
        onSubmit={(e) => {
          e.preventDefault();
          const text = inject.trim();
          if (!text) return;
          void control({ op: 'inject', text }).then((ok) => {
            if (ok) setInject('');
          });
        }}
      >
        <input
          data-testid="trainer-inject"
          value={inject}
          placeholder="Inject: e.g. “The CDN account engineer joins the bridge”"
          onChange={(e) => setInject(e.target.value)}
        />
        <button type="submit" disabled={busy || !inject.trim()}>
          Inject
        </button>
      </form>
      <label className="toggle">
        <input
          type="checkbox"
          data-testid="trainer-view-toggle"
          checked={props.open}
          onChange={(e) => props.onOpen(e.target.checked)}
        />
        Trainer view
      </label>
      {error && <span className="error">{error}</span>}
    </div>
  );
}
