import { useCallback, useState } from 'react';
import type { ActionInput } from '../../core/actions.ts';
import { api } from './api-client.ts';
import { useConsole } from './context.ts';

/** An action body without its role: the selected role is added when it is posted. */
export type ActionBody = ActionInput extends infer A ? (A extends unknown ? Omit<A, 'role'> : never) : never;

export interface ActState {
  busy: boolean;
  /** The server's error for the last post (shown inline by the form that posted). */
  error: string | null;
  /** A short confirmation of the last successful post. */
  done: string | null;
  act: (action: ActionBody) => Promise<boolean>;
  clear: () => void;
}

/** Posts actions to /api/act as the selected role; each form keeps its own busy/error state. */
export function useAct(): ActState {
  const { role, refresh } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = useCallback(
    async (action: ActionBody) => {
      setBusy(true);
      setError(null);
      setDone(null);
      try {
        await api.act({ ...action, role } as ActionInput);
        setDone(`${action.kind} posted as ${role}`);
        refresh();
        return true;
      } catch (err) {
        setError((err as Error).message);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [role, refresh],
  );
  const clear = useCallback(() => {
    setError(null);
    setDone(null);
  }, []);
  return { busy, error, done, act, clear };
}
