import type { Store } from '../../store/store';
import { SyncHttpError } from './sync-client';

/** What the status says first when the server's newest change is older than this desktop's cursor (attack 14b N2). */
export const SERVER_BEHIND = 'The team server is behind this desktop (restored from a backup?)';

/** Setting holding the last such refusal's message until a sync succeeds again (kept across restarts, read by Leave). */
const SERVER_BEHIND_SETTING = 'sync.serverBehind';

/**
 * A push answered with a version number this replica already holds for another version (attack
 * 14c C1): the server lost versions this desktop saw synced, so it gives their numbers again.
 * Thrown by replica-apply.ts acknowledgeVersion (its transaction rolls back: the version stays
 * pending here), never surfacing as SQLite's UNIQUE error; the engine treats it as "behind".
 */
export class NumberClashError extends Error {
  constructor(
    readonly promptName: string,
    readonly number: number,
  ) {
    super(`the server gave version ${number} of "${promptName}" to a save from this desktop, but version ${number} here is another version it synced before`);
    this.name = 'NumberClashError';
  }
}

/**
 * Whether a sync failed because the server is behind this desktop: the pull's 409 problem at
 * `cursor` (core/sync/sync-server.ts, "This cursor is past the server's newest change (S.R)…"),
 * or a push answered with a number held here by another version ({@link NumberClashError}).
 */
export function isServerBehind(error: unknown): error is SyncHttpError | NumberClashError {
  return (error instanceof SyncHttpError && error.status === 409 && error.problem?.field === 'cursor') || error instanceof NumberClashError;
}

/** The status's error for such a failure: {@link SERVER_BEHIND}, then the problem's detail (or the clash). */
export function serverBehindMessage(error: SyncHttpError | NumberClashError): string {
  if (error instanceof NumberClashError) return `${SERVER_BEHIND}: ${error.message}`;
  return `${SERVER_BEHIND}: ${error.problem?.detail ?? error.message}`;
}

/** Records (a message) or clears (null) that the server was last found behind this desktop. */
export function markServerBehind(store: Store, message: string | null): void {
  store.settings.set(SERVER_BEHIND_SETTING, message);
}

/**
 * The recorded message while the server is behind this desktop, else null. Then versions marked
 * synced here may be missing on the server, so Leave keeps them (team-link-service.ts), and the
 * sync engine sends and pulls nothing (sync-engine.ts): the server would give this desktop's
 * saves numbers its replica holds for other versions. Only Leave clears it.
 */
export function serverBehindOf(store: Store): string | null {
  return store.settings.get<string>(SERVER_BEHIND_SETTING) ?? null;
}
