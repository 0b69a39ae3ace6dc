import { useSyncExternalStore } from 'react';
import type { TeamStatus } from '../../../../shared/schemas/team';
import { isBrowserSession, sessionCookieChanged } from '../../lib/bridge';
import { teamStatus } from '../../lib/team';

/**
 * Whether this page comes from a team server and who is signed in, asked once at start
 * (`GET /team/status`) and again after a sign-in or sign-out. `loading` until the first answer;
 * `none` under Electron or on a headless host that is no team server.
 */
export type TeamState = { kind: 'loading' } | { kind: 'none' } | { kind: 'team'; status: TeamStatus };

let state: TeamState = { kind: 'loading' };
const listeners = new Set<() => void>();
const set = (next: TeamState) => {
  state = next;
  for (const listener of listeners) listener();
};

/** Asks the server again (after signing in, accepting an invite, signing out). */
export async function refreshTeamStatus(): Promise<TeamState> {
  const status = isBrowserSession() ? await teamStatus() : null;
  set(status ? { kind: 'team', status } : { kind: 'none' });
  sessionCookieChanged();
  return state;
}

let started = false;
function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!started) {
    started = true;
    void refreshTeamStatus();
  }
  return () => listeners.delete(listener);
}

/** The team state, for components (re-renders when it changes). */
export function useTeamState(): TeamState {
  return useSyncExternalStore(subscribe, () => state);
}

/** True on a team server (Settings shows the account instead of "Acting as"). */
export const useIsTeamServer = (): boolean => useTeamState().kind === 'team';
