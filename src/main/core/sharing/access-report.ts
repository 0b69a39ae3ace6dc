import type { Ctx } from '../context';
import { notFound } from '../errors';
import { assertActive } from '../users/users-service';
import { allowedActions } from './access';
import { ACTIONS, type AccessEntry } from '../../../shared/schemas/sharing';

const MAX_ENTRIES = 1000;

/** "Who has access to what": every prompt a member can do anything with, and why. */
export function accessForUser(ctx: Ctx, userId: string): AccessEntry[] {
  assertActive(ctx.actor);
  if (ctx.actor.role !== 'admin' && ctx.actor.id !== userId) throw notFound('Member');
  const member = ctx.store.users.get(userId);
  if (!member) throw notFound('Member');
  const shares = ctx.store.shares.forUser(userId);
  const entries: AccessEntry[] = [];
  for (const row of ctx.store.prompts.accessCandidates(member.role === 'admin' ? null : userId, MAX_ENTRIES)) {
    const share = shares.get(row.id) ?? null;
    const allowed = allowedActions(member, { ownerId: row.owner_id, sharingLevel: row.sharing_level, share });
    if (allowed.size === 0) continue;
    const via = member.role === 'admin' ? 'admin' : row.owner_id === userId ? 'owner' : share ? 'share' : 'level';
    entries.push({ prompt: { name: row.name, title: row.title }, actions: ACTIONS.filter((a) => allowed.has(a)), via });
  }
  return entries;
}
