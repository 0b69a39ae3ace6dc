import { createHash, randomBytes } from 'node:crypto';
import { chargeKey } from '../keys/key-rate-limit';
import type { Clock } from '../context';
import { AppError, notFound } from '../errors';
import { authenticateKey } from '../keys/keys-service';
import { canonicalEmail } from '../users/email-identity';
import { KEY_SCOPES, type KeyScope, type User } from '../../../shared/schemas/users';
import type { Store } from '../../store/store';
import { loginLinksRepo } from '../../store/repos/login-links-repo';
import { groundsOf, type Session, type SessionGround } from './session-registry';
import { isTeamServer } from '../team/team-server';
import { refuseTeamMemberCredential } from '../users/team-members';

/** How long a sign-in link from `promptdesk users login-link` stays usable. */
export const LOGIN_LINK_TTL_MS = 15 * 60_000;

const hash = (secret: string) => createHash('sha256').update(secret).digest();
const LINK_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const repos = new WeakMap<Store, ReturnType<typeof loginLinksRepo>>();
function links(store: Store) {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = loginLinksRepo(store.db)));
  return repo;
}

/**
 * Proves a person is `user` by the API key they typed, and returns the key's id (a session signed
 * in with it ends when it stops working): the key must authenticate and carry every scope, because
 * a UI session can do everything its member can and a narrowed key must not open more than it
 * grants. Throws `unauthenticated` (an invalid, revoked or expired key) or `forbidden` (a key
 * limited to some scopes: the message names the missing ones), on field `fieldName` (default `key`).
 * A sign-in spends one request of the key's rate limit (core/keys/key-rate-limit.ts): rate_limited (429) when it is used up.
 */
export function signInWithKey(store: Store, clock: Clock, key: string, fieldName = 'key'): { user: User; keyId: string } {
  let found: ReturnType<typeof authenticateKey>;
  try {
    found = authenticateKey(store, clock, key.trim());
  } catch {
    throw new AppError('unauthenticated', 'This API key is not valid (it may be mistyped, revoked or expired)', fieldName);
  }
  const missing = missingSignInScopes(found.key.scopes);
  if (missing.length > 0) throw new AppError('forbidden', signInScopesMessage(missing), fieldName);
  // A sign-in is a request made with the key: it spends the key's budget like any other door.
  chargeKey(store, found.key.id);
  return { user: found.user, keyId: found.key.id };
}

/**
 * The scopes a key lacks to sign in to the app (in KEY_SCOPES order; empty: it may). A UI session
 * acts with everything its member may do (there is no scope-limited session), so signing in
 * needs every scope; the key form says so next to its scopes (screens/settings/KeysSection.tsx).
 */
export function missingSignInScopes(scopes: readonly KeyScope[]): KeyScope[] {
  return KEY_SCOPES.filter((s) => !scopes.includes(s));
}

/** The refusal of a key that lacks `missing` scopes: names exactly what is missing. */
function signInScopesMessage(missing: readonly KeyScope[]): string {
  const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]!}`;
  const noun = missing.length === 1 ? 'scope' : 'scopes';
  return `This key lacks the ${list} ${noun}; signing in to the app needs a key with every scope (read, run, write, admin). Make one in Settings → API keys with all four ticked, or promptdesk keys create`;
}

/** A member is active and, if they proved themselves with an API key, it is theirs and neither revoked nor expired. */
function groundHolds(store: Store, clock: Clock, ground: SessionGround): boolean {
  const user = store.users.get(ground.userId);
  if (!user || !user.isActive) return false;
  if (ground.keyId === null) return true;
  const key = store.keys.get(ground.keyId);
  return !!key && key.userId === user.id && !key.revokedAt && (!key.expiresAt || Date.parse(key.expiresAt) > clock.now().getTime());
}

/**
 * Whether a session may still act: its member is active and, if it was signed in (or consented
 * to) with an API key, that key is neither revoked nor expired (revocation ends the sessions it
 * opened). A switched session also needs everything the session it was switched from needed, so
 * switching (to yourself, or with someone's consent) never outlives a revoked key or a deactivated member.
 */
export function sessionStillValid(store: Store, clock: Clock, session: Pick<Session, 'userId' | 'keyId'> & { from?: Session['from'] }): boolean {
  return groundsOf({ from: [], ...session }).every((ground) => groundHolds(store, clock, ground));
}

/**
 * Makes a one-time sign-in link secret for the member with `email` (43 url-safe characters,
 * 256 bits), usable once within {@link LOGIN_LINK_TTL_MS}. Only its hash is stored.
 * Throws `not_found` (field `user`) for an unknown email, `forbidden` (field `user`) for a member
 * a joined desktop's team replica copied in (team-members.ts refuseTeamMemberCredential),
 * `invalid_input` for a deactivated member.
 *
 * @example `${serverUrl}/#login=${createLoginLink(store, clock, 'ada@example.com').secret}`
 */
export function createLoginLink(store: Store, clock: Clock, email: string): { secret: string; user: User; expiresAt: string } {
  // A team server's members sign in with their password (core/team); a link would bypass it.
  if (isTeamServer(store)) throw new AppError('invalid_input', 'This is a team server: members sign in with email and password (invite one with promptdesk users invite)', 'user');
  const user = store.users.getByEmail(canonicalEmail(email));
  if (!user) throw notFound(`Member ${email}`, 'user');
  refuseTeamMemberCredential(store, user.id, 'user');
  if (!user.isActive) throw new AppError('invalid_input', `${user.name} is deactivated`, 'user');
  const now = clock.now();
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS).toISOString();
  store.tx(() => {
    links(store).pruneExpiredBefore(now.toISOString());
    links(store).insert(hash(secret), { userId: user.id, createdAt: now.toISOString(), expiresAt });
  });
  return { secret, user, expiresAt };
}

/** Voids every unused sign-in link of a member: deactivation ends them for good, like the member's sessions. */
export function voidLoginLinks(store: Store, userId: string, at: string): void {
  links(store).useAllOf(userId, at);
}

/**
 * Redeems a sign-in link: the member it was made for, once. A used, expired, unknown or
 * malformed link, or one for a member deactivated since, is the same `unauthenticated` error
 * on field `link`.
 */
export function redeemLoginLink(store: Store, clock: Clock, secret: string): User {
  const refused = () => new AppError('unauthenticated', 'This sign-in link has been used or has expired: ask for a new one (promptdesk users login-link)', 'link');
  const trimmed = secret.trim();
  if (!LINK_PATTERN.test(trimmed)) throw refused();
  const now = clock.now().toISOString();
  return store.tx(() => {
    const link = links(store).get(hash(trimmed));
    if (!link || link.usedAt !== null || link.expiresAt <= now) throw refused();
    if (!links(store).use(hash(trimmed), now)) throw refused();
    const user = store.users.get(link.userId);
    if (!user || !user.isActive) throw refused();
    return user;
  });
}
