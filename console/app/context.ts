/** What every panel needs: the drill's fixed info, the selected role, and a way to refresh now. */
import { createContext, useContext } from 'react';
import type { Role } from '../../core/actions.ts';
import type { ConsoleInfo } from '../api.ts';

export interface ConsoleContextValue {
  info: ConsoleInfo;
  role: Role;
  /** Re-fetches the snapshot at once (after an action), instead of waiting for the next poll. */
  refresh: () => void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside ConsoleContext');
  return value;
}
