import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../context';
import { AppError } from '../errors';
import type { Store } from '../../store/store';
import type { User } from '../../../shared/schemas/users';
import { teamTables } from './team-server';

/**
 * Web UI sessions of a team server: server-side rows, the browser holding only the session id
 * in an HttpOnly cookie (api: headless/team-web.ts). A session ends after
 * {@link TEAM_SESSION_IDLE_MS} unused or {@link TEAM_SESSION_MAX_MS} after sign-in, whichever is
 * first; on sign-out; when its member is deactivated; and a password change ends every other
 * session of the member. Ids are 256 random bits, stored as their SHA-256; each session has its
 * own CSRF token that every state-changing request must echo in a header.
 */

/** A session unused this long ends (ms): 12 hours. */
export const TEAM_SESSION_IDLE_MS = 12 * 3_600_000;
/** A session ends this long after sign-in however much it is used (ms): 7 days. */
export const TEAM_SESSION_MAX_MS = 7 * 86_400_000;
/** Last use is written at most this often (ms), so reads do not write on every request. */
const TOUCH_EVERY_MS = 60_000;

const SESSION_ENDED = 'Sign in again: your session has ended (signed out, unused for 12 hours, 7 days old, or your password changed)';
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hash = (id: string) => createHash('sha256').update(id).digest();

/** A signed-in session: its member and CSRF token. */
export interface TeamSession {
  member: User;
  csrfToken: string;
  /** When the session ends at the latest (absolute expiry), ISO 8601. */
  expiresAt: string;
}

/**
 * Starts a session for `member`.
 *
 * @returns the session id (the cookie's value, 43 url-safe characters) and its CSRF token
 */
export function startTeamSession(store: Store, clock: Clock, member: User): { id: string; csrfToken: string; expiresAt: string } {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = clock.now();
  const tables = teamTables(store);
  store.tx(() => {
    // Expired rows go whenever someone signs in, so the table stays as large as the live sessions.
    tables.pruneSessions(new Date(now.getTime() - TEAM_SESSION_IDLE_MS).toISOString(), new Date(now.getTime() - TEAM_SESSION_MAX_MS).toISOString());
    tables.insertSession(hash(id), { userId: member.id, csrfToken, createdAt: now.toISOString(), usedAt: now.toISOString() });
  });
  return { id, csrfToken, expiresAt: new Date(now.getTime() + TEAM_SESSION_MAX_MS).toISOString() };
}

/**
 * The session a cookie value stands for. Missing, malformed, unknown, idle or too old, or its
 * member deactivated: one `unauthenticated` error.
 *
 * @throws AppError `unauthenticated`
 */
export function teamSession(store: Store, clock: Clock, id: string | undefined): TeamSession {
  const ended = () => new AppError('unauthenticated', SESSION_ENDED);
  if (!id || !ID_PATTERN.test(id)) throw ended();
  const tables = teamTables(store);
  const key = hash(id);
  const row = tables.session(key);
  const now = clock.now().getTime();
  if (!row || now - Date.parse(row.usedAt) > TEAM_SESSION_IDLE_MS || now - Date.parse(row.createdAt) > TEAM_SESSION_MAX_MS) {
    if (row) tables.deleteSession(key);
    throw ended();
  }
  const member = store.users.get(row.userId);
  if (!member || !member.isActive) {
    tables.deleteSession(key);
    throw ended();
  }
  if (now - Date.parse(row.usedAt) >= TOUCH_EVERY_MS) tables.touchSession(key, new Date(now).toISOString());
  return { member, csrfToken: row.csrfToken, expiresAt: new Date(Date.parse(row.createdAt) + TEAM_SESSION_MAX_MS).toISOString() };
}

/** Whether `presented` is the session's CSRF token (constant time). */
export function csrfMatches(session: TeamSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Ends one session (sign out); an unknown id is ignored. */
export function endTeamSession(store: Store, id: string | undefined): void {
  if (id && ID_PATTERN.test(id)) teamTables(store).deleteSession(hash(id));
}

/** Ends every session of a member (deactivated), or all but `keep` (their password changed in that session). */
export function endTeamSessionsOf(store: Store, userId: string, keep?: string): void {
  if (keep && ID_PATTERN.test(keep)) teamTables(store).deleteOtherSessionsOf(userId, hash(keep));
  else teamTables(store).deleteSessionsOf(userId);
}
