import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock, Ctx } from '../context';
import { AppError, conflict, notFound } from '../errors';
import { admitMember, assertAdmin } from '../users/users-service';
import { requireApiScope } from '../keys/keys-service';
import { admitMemberEmail, canonicalEmail } from '../users/email-identity';
import { AddUserInput, EmailSchema, type User } from '../../../shared/schemas/users';
import type { Store } from '../../store/store';
import type { Invite } from '../../store/repos/team-repo';
import { requireTeam, teamTables } from './team-server';
import { checkNewPassword, hashPassword } from './passwords';

export type { Invite };

/** How long an invite can be accepted (ms): 7 days. */
export const INVITE_TTL_MS = 7 * 86_400_000;
const CODE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const INVITE_REFUSED = 'This invite has been used, revoked or has expired: ask an admin for a new one';

const hash = (code: string) => createHash('sha256').update(code).digest();

export const InviteInput = z.object({
  email: EmailSchema,
  name: z.string().trim().max(200).optional(),
  role: z.enum(['admin', 'member']).default('member'),
});

/**
 * Invites someone to the team (admins only, every door: CLI, UI, API): a one-time code of 256
 * random bits, valid {@link INVITE_TTL_MS}, stored hashed. An earlier unused invite for the same
 * address is revoked. An address that already belongs to a member who has a password is a `conflict`.
 *
 * @returns the code (shown once), the link `PUBLIC_URL/#invite=CODE` and the invite
 * @throws AppError `forbidden` (not an admin), `conflict` (field `email`), `invalid_input` (not a team server)
 */
export function createInvite(ctx: Ctx, input: z.output<typeof InviteInput>): { code: string; link: string; invite: Invite } {
  assertAdmin(ctx.actor);
  requireApiScope(ctx, 'admin');
  const team = requireTeam(ctx.store);
  const tables = teamTables(ctx.store);
  const existing = ctx.store.users.getByEmail(canonicalEmail(input.email));
  if (existing && tables.passwordHash(existing.id)) throw conflict(`${input.email} is already a member of this team`, 'email');
  // Look-alike addresses are refused here already, not only when the invite is accepted.
  const email = existing ? existing.email : admitMemberEmail(ctx.store, input.email);
  const code = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const invite: Invite = {
    id: randomUUID(),
    email,
    name: input.name || existing?.name || email.split('@')[0]!,
    role: existing?.role ?? input.role,
    invitedBy: ctx.actor.id,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString(),
    usedAt: null,
    revokedAt: null,
    userId: existing?.id ?? null,
  };
  ctx.store.tx(() => {
    tables.revokeInvitesFor(email, invite.createdAt);
    tables.insertInvite(invite, hash(code));
  });
  return { code, link: `${team.publicUrl}/#invite=${code}`, invite };
}

/** Invites not yet used, revoked or expired, newest first (admins only). */
export function listInvites(ctx: Ctx): Invite[] {
  assertAdmin(ctx.actor);
  return teamTables(ctx.store).pendingInvites(ctx.clock.now().toISOString());
}

/** Revokes an unused invite (admins only); a used, revoked or unknown one is `not_found` on `inviteId`. */
export function revokeInvite(ctx: Ctx, inviteId: string): void {
  assertAdmin(ctx.actor);
  if (!teamTables(ctx.store).revokeInvite(inviteId, ctx.clock.now().toISOString())) throw notFound('Invite', 'inviteId');
}

/** The live invite a code stands for; every other case is one `unauthenticated` on field `code`. */
function liveInvite(store: Store, clock: Clock, code: string): Invite {
  const trimmed = code.trim();
  const invite = CODE_PATTERN.test(trimmed) ? teamTables(store).inviteByCodeHash(hash(trimmed)) : undefined;
  if (!invite || invite.usedAt !== null || invite.revokedAt !== null || invite.expiresAt <= clock.now().toISOString()) {
    throw new AppError('unauthenticated', INVITE_REFUSED, 'code');
  }
  return invite;
}

/** Who an invite code is for (the accept screen shows it); see {@link acceptInvite} for refusals. */
export function describeInvite(store: Store, clock: Clock, code: string): { email: string; name: string; team: string } {
  const invite = liveInvite(store, clock, code);
  return { email: invite.email, name: invite.name, team: requireTeam(store).name };
}

/**
 * Accepts an invite: sets the member's password (creating the member, as the admin who invited
 * them, if they are new) and uses the code up, once. The password is checked first
 * (checkNewPassword, field `password`), so a refused password leaves the code usable.
 *
 * @returns the member, signed in by the caller (core/team/team-sessions.ts)
 * @throws AppError `invalid_input` (field `password` or `name`), `unauthenticated` (field `code`:
 *   used, revoked, expired or unknown code, or the inviting admin is no longer one)
 */
export async function acceptInvite(store: Store, clock: Clock, input: { code: string; password: string; name?: string }): Promise<User> {
  checkNewPassword(input.password);
  liveInvite(store, clock, input.code);
  const passwordHash = await hashPassword(input.password);
  const tables = teamTables(store);
  return store.tx(() => {
    // Again inside the transaction: two tabs accepting at once, or a revocation during the hash.
    const invite = liveInvite(store, clock, input.code);
    const now = clock.now().toISOString();
    let member = invite.userId ? store.users.get(invite.userId) : store.users.getByEmail(invite.email);
    if (!member) {
      const inviter = store.users.get(invite.invitedBy);
      if (!inviter || !inviter.isActive || inviter.role !== 'admin') throw new AppError('unauthenticated', INVITE_REFUSED, 'code');
      const name = input.name?.trim() || invite.name;
      member = admitMember({ store, clock, actor: inviter } as Ctx, AddUserInput.parse({ email: invite.email, name, role: invite.role }));
    }
    if (!member.isActive) throw new AppError('unauthenticated', INVITE_REFUSED, 'code');
    if (!tables.useInvite(invite.id, member.id, now)) throw new AppError('unauthenticated', INVITE_REFUSED, 'code');
    tables.setPasswordHash(member.id, passwordHash, now);
    return member;
  });
}
