import type { Ctx } from '../context';
import { AppError } from '../errors';
import { assertActive, requireActiveMember } from '../users/users-service';
import type { User } from '../../../shared/schemas/users';
import { signInWithKey } from './sign-in';
import { isTeamServer } from '../team/team-server';

/**
 * The one rule for "Acting as": who may make a session (a desktop window, a browser tab) act as
 * another member. Allowed when the target is the actor itself, when the actor is an admin, or
 * with the target's consent, shown by their API key (a full-scope key of that member). So a
 * plain member can never become an admin, or anyone else, on their own say.
 * Returns the target and the consent it rests on: the id of the target's key when the switch
 * needed one (null when the actor is the target or an admin); the session (or window) made by
 * the switch ends when that key is revoked or expires.
 * Throws `forbidden` on field `key` when consent is missing or wrong, on field `userId` on a team server (core/team), `not_found` /
 * `invalid_input` (field `userId`) for an unknown or deactivated target.
 */
export function grantSwitch(ctx: Ctx, input: { userId: string; key?: string | null }): { target: User; consentKeyId: string | null } {
  assertActive(ctx.actor);
  // A team server's members each sign in with their own password: nobody acts as anyone else there.
  if (isTeamServer(ctx.store)) throw new AppError('forbidden', 'There is no "Acting as" on a team server: each member signs in as themselves', 'userId');
  const target = requireActiveMember(ctx.store, input.userId);
  if (target.id === ctx.actor.id || ctx.actor.role === 'admin') return { target, consentKeyId: null };
  if (!input.key) {
    throw new AppError('forbidden', `Enter ${target.name}'s API key to act as them (or ask an admin to switch)`, 'key');
  }
  let consent: { user: User; keyId: string };
  try {
    consent = signInWithKey(ctx.store, ctx.clock, input.key);
  } catch (error) {
    // The session itself is fine; only the consent is wrong, so this is not a sign-out (401).
    throw error instanceof AppError ? new AppError('forbidden', error.message, 'key') : error;
  }
  if (consent.user.id !== target.id) throw new AppError('forbidden', `This API key is not ${target.name}'s`, 'key');
  return { target, consentKeyId: consent.keyId };
}
