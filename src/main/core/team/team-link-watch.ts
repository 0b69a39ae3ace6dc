import type { Store } from '../../store/store';
import { TEAM_LINK_SETTING } from './join-team';

/** How often a running host looks for a join made by another process on its data folder (ms). */
export const TEAM_LINK_WATCH_MS = 2000;

/**
 * Calls `onJoined` when this data folder's team link is replaced by a new join made elsewhere:
 * `promptdesk team join` run while the app (or `promptdesk serve`) holds the folder writes the
 * link from another process, and no change event carries a setting. It reads one settings row
 * every `everyMs` (the join's `joinedAt`; nothing is decrypted) and compares it with the last one
 * seen, so a link that goes away (Leave team) or stays as it was starts nothing. Returns the stop
 * function; the timer never keeps the process alive.
 *
 * @example const stop = watchTeamLink(store, () => startTeamSync(workspace));
 */
export function watchTeamLink(store: Store, onJoined: () => void, everyMs = TEAM_LINK_WATCH_MS): () => void {
  const joinedAt = (): string | null => {
    try {
      return store.settings.get<{ joinedAt?: string } | null>(TEAM_LINK_SETTING)?.joinedAt ?? null;
    } catch {
      // The store closed under the timer (the host shutting down): nothing to start.
      return null;
    }
  };
  let seen = joinedAt();
  const timer = setInterval(() => {
    const now = joinedAt();
    if (now === seen) return;
    seen = now;
    if (now !== null) onJoined();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
