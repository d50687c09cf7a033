import type { Role } from '../../core/actions.ts';
import { ROLE_NAMES } from '../api.ts';

// Role ids come from api.ts: importing actions.ts for its values would pull zod into the bundle.
const ROLES = Object.keys(ROLE_NAMES) as Role[];

/** The role selector's choices, in war-room order, with the short names people say out loud. */
export const ROLE_CHOICES: { id: Role; short: string }[] = [
  { id: 'ic', short: 'IC' },
  { id: 'ops', short: 'Ops' },
  { id: 'comms', short: 'Comms' },
  { id: 'scribe', short: 'Scribe' },
  { id: 'sme', short: 'SME' },
  { id: 'oncall', short: 'On-call' },
];

const KEY = 'streamdrill.console.role';

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as string[]).includes(x);
}

export function loadRole(): Role {
  try {
    const saved = window.localStorage.getItem(KEY);
    if (isRole(saved)) return saved;
  } catch {
    // storage disabled: fall through
  }
  return 'oncall';
}

export function saveRole(role: Role): void {
  try {
    window.localStorage.setItem(KEY, role);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

export function roleShort(role: string): string {
  return ROLE_CHOICES.find((r) => r.id === role)?.short ?? role;
}
