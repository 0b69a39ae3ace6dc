import type { Clock } from '../context';
import { AppError } from '../errors';
import { canonicalEmail } from '../users/email-identity';
import type { Store } from '../../store/store';
import type { User } from '../../../shared/schemas/users';
import { teamTables } from './team-server';
import { dummyHash, hashPassword, needsRehash, verifyPassword, checkNewPassword } from './passwords';
import { SignInThrottle } from './sign-in-throttle';
import { endTeamSessionsOf } from './team-sessions';

/** The one answer for an unknown email, a wrong password, a member without a password and a deactivated member. */
export const SIGN_IN_REFUSED = 'Wrong email or password';
const TOO_MANY = 'Too many failed sign-ins for this account or from this address; wait and retry';

const throttles = new WeakMap<Store, SignInThrottle>();
/** The failed sign-in limit of a store (one per server process). */
export function signInThrottleOf(store: Store, now?: () => number): SignInThrottle {
  let throttle = throttles.get(store);
  if (!throttle) throttles.set(store, (throttle = new SignInThrottle(now)));
  return throttle;
}

/**
 * Signs a member in with their email and password. Every refusal (unknown email, wrong
 * password, no password set yet, deactivated member) is the same `unauthenticated` error on
 * field `password` after the same work: an unknown email runs the KDF against a dummy hash.
 * Failures are limited per account and per client address (sign-in-throttle.ts): past the limit
 * the answer is `rate_limited` with `retryAfter` seconds, before any password is checked.
 * A hash made with a lower cost than today's is replaced on success.
 *
 * @param address the client's address, as the server sees it (the proxy's client with --trust-proxy)
 * @throws AppError `unauthenticated` (field `password`), `rate_limited`
 */
export async function signInWithPassword(store: Store, clock: Clock, input: { email: string; password: string }, address: string): Promise<User> {
  const account = canonicalEmail(input.email.trim());
  const throttle = signInThrottleOf(store);
  const wait = throttle.waitBefore(account, address);
  if (wait > 0) throw AppError.rateLimited(TOO_MANY, wait);
  const member = store.users.getByEmail(account);
  const stored = member ? teamTables(store).passwordHash(member.id) : undefined;
  const matches = await verifyPassword(input.password, stored ?? (await dummyHash()));
  if (!member || !stored || !matches || !member.isActive) {
    const after = throttle.recordFailure(account, address);
    if (after > 0) throw AppError.rateLimited(TOO_MANY, after);
    throw new AppError('unauthenticated', SIGN_IN_REFUSED, 'password');
  }
  throttle.recordSuccess(account);
  if (needsRehash(stored)) teamTables(store).setPasswordHash(member.id, await hashPassword(input.password), clock.now().toISOString());
  return member;
}

/**
 * Changes a signed-in member's password: the current one must match (field `currentPassword`),
 * the new one follows checkNewPassword (field `newPassword`). Every other session of the member
 * ends; `keepSession` (the session making the change) stays.
 *
 * @throws AppError `invalid_input` (field `newPassword`), `unauthenticated` (field `currentPassword`)
 */
export async function changePassword(store: Store, clock: Clock, member: User, input: { currentPassword: string; newPassword: string }, keepSession?: string): Promise<void> {
  checkNewPassword(input.newPassword, 'newPassword');
  const stored = teamTables(store).passwordHash(member.id);
  if (!stored || !(await verifyPassword(input.currentPassword, stored))) throw new AppError('unauthenticated', 'Your current password is not this one', 'currentPassword');
  const next = await hashPassword(input.newPassword);
  store.tx(() => {
    teamTables(store).setPasswordHash(member.id, next, clock.now().toISOString());
    endTeamSessionsOf(store, member.id, keepSession);
  });
}
