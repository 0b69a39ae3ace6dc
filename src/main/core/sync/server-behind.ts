import type { Store } from '../../store/store';
import { SyncHttpError } from './sync-client';

/** What the status says first when the server's newest change is older than this desktop's cursor (attack 14b N2). */
export const SERVER_BEHIND = 'The team server is behind this desktop (restored from a backup?)';

/** Setting holding the last such refusal's message until a sync succeeds again (kept across restarts, read by Leave). */
const SERVER_BEHIND_SETTING = 'sync.serverBehind';

/**
 * Whether a sync failed because the server is behind this desktop: the pull's 409 problem at
 * `cursor` (core/sync/sync-server.ts, "This cursor is past the server's newest change (S.R)…").
 */
export function isServerBehind(error: unknown): error is SyncHttpError {
  return error instanceof SyncHttpError && error.status === 409 && error.problem?.field === 'cursor';
}

/** The status's error for such a refusal: {@link SERVER_BEHIND}, then the problem's detail. */
export function serverBehindMessage(error: SyncHttpError): string {
  return `${SERVER_BEHIND}: ${error.problem?.detail ?? error.message}`;
}

/** Records (a message) or clears (null) that the server was last found behind this desktop. */
export function markServerBehind(store: Store, message: string | null): void {
  store.settings.set(SERVER_BEHIND_SETTING, message);
}

/**
 * The recorded message while the server is behind this desktop, else null. Then versions marked
 * synced here may be missing on the server, so Leave keeps them (team-link-service.ts).
 */
export function serverBehindOf(store: Store): string | null {
  return store.settings.get<string>(SERVER_BEHIND_SETTING) ?? null;
}
