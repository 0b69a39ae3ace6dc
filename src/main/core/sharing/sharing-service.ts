import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, invalid } from '../errors';
import { canonicalEmail } from '../users/email-identity';
import { allowedActions, isTeamReplica, requirePrompt, subjectOf } from './access';
import { assertMayWiden } from '../readiness/readiness-service';
import type { AddShareInput, RemoveShareInput, SetSharingLevelInput, SharingInfo } from '../../../shared/schemas/sharing';
import { ACTIONS } from '../../../shared/schemas/sharing';
import type { PromptRow } from '../../store/repos/prompts-repo';

function sharingInfo(ctx: Ctx, row: PromptRow): SharingInfo {
  const allowed = allowedActions(ctx.actor, subjectOf(ctx, row));
  return {
    level: row.sharing_level,
    owner: { id: row.owner_id, name: row.owner_name, email: row.owner_email },
    shares: ctx.store.shares.list(row.id),
    allowed: ACTIONS.filter((a) => allowed.has(a)),
    ...(isTeamReplica(row) ? { decidedOnTeamServer: true } : {}),
  };
}

/** Sharing of a prompt, for anyone who can open it (they see who else has access). */
export function getSharing(ctx: Ctx, name: string): SharingInfo {
  return sharingInfo(ctx, requirePrompt(ctx, name, 'read'));
}

/**
 * Sets the sharing level (owner or admin). Every door that changes the level comes here, so the
 * readiness rule for widening access to everyone (assertMayWiden) holds at all of them.
 */
export function setSharingLevel(ctx: Ctx, input: z.output<typeof SetSharingLevelInput>): SharingInfo {
  const { store } = ctx;
  return store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'share');
    assertMayWiden(ctx, row, input.level);
    store.prompts.setSharingLevel(row.id, input.level, nowIso(ctx));
    return sharingInfo(ctx, store.prompts.getRowByName(input.name)!);
  });
}

/** Shares a prompt with a named member; sharing again changes their permission. */
export function addShare(ctx: Ctx, input: z.output<typeof AddShareInput>): SharingInfo {
  const { store } = ctx;
  return store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'share');
    const member = store.users.getByEmail(canonicalEmail(input.email));
    if (!member) throw new AppError('not_found', `No member has the email ${input.email}`, 'email');
    if (!member.isActive) throw invalid(`${member.name} is deactivated`, 'email');
    if (member.id === ctx.actor.id) throw invalid('You cannot share a prompt with yourself', 'email');
    if (member.id === row.owner_id) throw invalid(`${member.name} owns this prompt and already has full access`, 'email');
    store.shares.upsert(row.id, member.id, input.permission, ctx.actor.id, nowIso(ctx));
    return sharingInfo(ctx, row);
  });
}

export function removeShare(ctx: Ctx, input: z.output<typeof RemoveShareInput>): SharingInfo {
  const { store } = ctx;
  return store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'share');
    if (input.userId === row.owner_id) throw invalid('The owner always has access and cannot be removed', 'userId');
    if (!store.shares.remove(row.id, input.userId)) throw new AppError('not_found', 'That member has no share on this prompt', 'userId');
    return sharingInfo(ctx, row);
  });
}
