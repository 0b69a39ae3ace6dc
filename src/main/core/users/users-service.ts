import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { nowIso, type Ctx, type Clock } from '../context';
import { AppError, conflict, invalid, notFound } from '../errors';
import type { AddUserInput, User } from '../../../shared/schemas/users';
import type { Store } from '../../store/store';
import { requireApiScope } from '../keys/keys-service';
import { admitMemberEmail } from './email-identity';
import { voidLoginLinks } from '../sessions/sign-in';
import { revokeDevicesOf } from '../team/devices';
import { endTeamSessionsOf } from '../team/team-sessions';
import { isTeamServer } from '../team/team-server';
import { endTokensOf } from '../keys/tokens';
import { isTeamManagedMember, refuseTeamMemberChange } from './team-members';

export function assertActive(actor: User): void {
  if (!actor.isActive) throw new AppError('unauthenticated', 'This member has been deactivated');
}

export function assertAdmin(actor: User): void {
  assertActive(actor);
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only an admin can do this');
}

function insertUser(store: Store, clock: Clock, input: z.output<typeof AddUserInput>): User {
  if (store.users.getByEmail(input.email)) throw conflict(`A member with email ${input.email} already exists`, 'email');
  const user: User = {
    id: randomUUID(),
    email: input.email,
    name: input.name,
    role: input.role,
    isActive: true,
    createdAt: clock.now().toISOString(),
  };
  store.users.insert(user);
  return user;
}

export function addUser(ctx: Ctx, input: z.output<typeof AddUserInput>): User {
  // On a team server a member signs in with a password they set from an invite; a member added
  // here would have none, so every door (CLI, API, UI) is pointed at invites instead.
  if (isTeamServer(ctx.store)) {
    throw new AppError('conflict', 'On a team server members are invited (promptdesk users invite, or Settings > Invite members), so they set their own password', 'email');
  }
  return admitMember(ctx, input);
}

/**
 * The one way a member row is made, by an admin: `addUser` on a local folder, accepting an
 * invite on a team server (core/team/invites.ts). Look-alike addresses are stopped here.
 * @throws forbidden (not an admin), conflict (email taken or a look-alike of one)
 */
export function admitMember(ctx: Ctx, input: z.output<typeof AddUserInput>): User {
  assertAdmin(ctx.actor);
  requireApiScope(ctx, 'admin');
  return ctx.store.tx(() => insertUser(ctx.store, ctx.clock, { ...input, email: admitMemberEmail(ctx.store, input.email) }));
}

/**
 * Deactivation takes effect at once: the member's keys stop working until they are reactivated,
 * and their sessions and unused sign-in links end for good (reactivating brings none back).
 *
 * @throws AppError `forbidden` at `userId` for a team member on a joined desktop (refuseTeamMemberChange), `not_found`, `invalid_input`
 */
export function setUserActive(ctx: Ctx, userId: string, isActive: boolean): User {
  assertAdmin(ctx.actor);
  requireApiScope(ctx, 'admin');
  const user = changeActive(ctx, userId, isActive);
  if (!isActive) {
    // Conductor access tokens issued until now stay dead after a reactivation (core/keys/tokens.ts).
    endTokensOf(userId, ctx.clock.now().getTime());
    for (const ended of ctx.runtime.deactivations ?? []) ended(userId);
  }
  return user;
}

function changeActive(ctx: Ctx, userId: string, isActive: boolean): User {
  const { store } = ctx;
  return store.tx(() => {
    const user = store.users.get(userId);
    if (!user) throw notFound('Member');
    refuseTeamMemberChange(store, user.id);
    if (!isActive && user.id === ctx.actor.id) throw invalid('You cannot deactivate yourself', 'userId');
    if (!isActive && user.role === 'admin' && store.users.list().filter((u) => u.role === 'admin' && u.isActive).length === 1) {
      throw invalid('The last active admin cannot be deactivated', 'userId');
    }
    store.users.setActive(userId, isActive);
    // Links printed before the deactivation must not sign them in once they are reactivated.
    if (!isActive) {
      voidLoginLinks(store, userId, nowIso(ctx));
      // A team server's devices and web sessions of the member end for good too (core/team).
      revokeDevicesOf(store, userId, nowIso(ctx));
      endTeamSessionsOf(store, userId);
    }
    return store.users.get(userId)!;
  });
}

/** Typeahead over active members by name or email. */
export function searchUsers(ctx: Ctx, query: string): User[] {
  assertActive(ctx.actor);
  const q = query.trim().toLowerCase();
  return ctx.store.users
    .list()
    .filter((u) => u.isActive && (q === '' || u.name.toLowerCase().includes(q) || u.email.includes(q)))
    .slice(0, 10);
}

/** The member a desktop session switches to: any active member of the workspace. */
export function requireActiveMember(store: Store, userId: string): User {
  const user = store.users.get(userId);
  if (!user) throw notFound('Member');
  if (!user.isActive) throw invalid(`${user.name} is deactivated`, 'userId');
  return user;
}

/**
 * Every member of this folder. On a joined desktop, a member the team replica copied in carries
 * `managedByTeam: true` (team-members.ts isTeamManagedMember: changed only on the team server).
 */
export function listUsers(ctx: Ctx): User[] {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'read');
  return ctx.store.users.list().map((user) => (isTeamManagedMember(ctx.store, user.id) ? { ...user, managedByTeam: true } : user));
}

/** Settings key of the folder owner's user id, written when the owner is first chosen. */
export const OWNER_SETTING = 'workspace.owner';

/**
 * The workspace owner: on first start the workspace gets one admin (the OS user on a desktop,
 * `who`). Recorded in
 * settings (OWNER_SETTING); a folder opened before the record existed takes its first-inserted
 * active admin. If the recorded owner is no longer an active admin, the first-inserted active one.
 */
export function ensureFirstAdmin(store: Store, clock: Clock, who: { name: string; email: string }): User {
  return store.tx(() => {
    // The owner is recorded once: a joined desktop also holds the team's admins (copied by the
    // sync), and picking "an active admin" would let one of them become this folder's owner.
    const recorded = store.settings.get<string>(OWNER_SETTING);
    const owner = recorded === undefined ? undefined : store.users.get(recorded);
    if (owner && owner.role === 'admin' && owner.isActive) return owner;
    const chosen = store.users.firstActiveAdmin() ?? insertUser(store, clock, { ...who, role: 'admin' });
    store.settings.set(OWNER_SETTING, chosen.id);
    return chosen;
  });
}
