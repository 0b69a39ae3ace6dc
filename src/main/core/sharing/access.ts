import { AppError, notFound } from '../errors';
import type { Ctx } from '../context';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { Action, SharePermission, SharingLevel } from '../../../shared/schemas/sharing';
import { ACTIONS } from '../../../shared/schemas/sharing';
import type { KeyScope, User } from '../../../shared/schemas/users';
import { requireScope } from '../keys/keys-service';

const BY_LEVEL: Record<SharingLevel, Action[]> = {
  private: [],
  chat_only: ['run'],
  library_view: ['read', 'run'],
  library_edit: ['read', 'run', 'edit', 'promote'],
};

const BY_SHARE: Record<SharePermission, Action[]> = {
  view: ['read'],
  run: ['read', 'run'],
  edit: ['read', 'run', 'edit', 'promote'],
};

export interface AccessSubject {
  ownerId: string;
  sharingLevel: SharingLevel;
  /** The actor's individual share on this prompt, if any. */
  share: SharePermission | null;
}

/**
 * Everything `actor` may do with a prompt: the single place the sharing rules live.
 * Owners and admins may do everything; sharing and deleting are theirs alone.
 */
export function allowedActions(actor: User, subject: AccessSubject): Set<Action> {
  if (!actor.isActive) return new Set();
  if (actor.role === 'admin' || actor.id === subject.ownerId) return new Set(ACTIONS);
  return new Set([...BY_LEVEL[subject.sharingLevel], ...(subject.share ? BY_SHARE[subject.share] : [])]);
}

export function subjectOf(ctx: Ctx, row: PromptRow): AccessSubject {
  return {
    ownerId: row.owner_id,
    sharingLevel: row.sharing_level,
    share: ctx.store.shares.permissionOf(row.id, ctx.actor.id),
  };
}

const VERBS: Record<Action, string> = {
  read: 'open',
  run: 'run',
  edit: 'edit',
  promote: 'promote versions of',
  share: 'change sharing of',
  delete: 'delete',
};

// The key scope each action needs when it arrives over the HTTP API.
const SCOPE_FOR: Record<Action, KeyScope> = {
  read: 'read',
  run: 'run',
  edit: 'write',
  promote: 'write',
  share: 'write',
  delete: 'write',
};

/**
 * API exposure rules: a prompt with API access off does not exist for API callers; a keyless
 * call may only read or run a prompt that allows it, from this machine; a key needs the scope.
 * Returns true when a keyless call was allowed (sharing rules do not apply to it).
 */
function checkApiExposure(ctx: Ctx, row: PromptRow, name: string, action: Action): boolean {
  const via = ctx.via;
  if (!via) return false;
  if (row.api_access !== 1) throw notFound(`Prompt "${name}"`);
  if (via.key === null) {
    if (row.api_key_required === 1 || !via.loopback || (action !== 'read' && action !== 'run')) {
      throw new AppError('unauthenticated', 'Send an API key in the Authorization header: "Authorization: Bearer <key>"');
    }
    return true;
  }
  requireScope(via.key, SCOPE_FOR[action]);
  return false;
}

/**
 * The prompt, if the actor may do `action` with it. A prompt the actor has no access to at all
 * answers exactly like one that does not exist (404); one they can see but not act on is a 403.
 */
export function requirePrompt(ctx: Ctx, name: string, action: Action): PromptRow {
  if (!ctx.actor.isActive) throw new AppError('unauthenticated', 'This member has been deactivated');
  const row = ctx.store.prompts.getRowByName(name);
  if (!row) throw notFound(`Prompt "${name}"`);
  if (checkApiExposure(ctx, row, name, action)) return row;
  const allowed = allowedActions(ctx.actor, subjectOf(ctx, row));
  if (allowed.size === 0) throw notFound(`Prompt "${name}"`);
  if (!allowed.has(action)) throw new AppError('forbidden', `You do not have permission to ${VERBS[action]} "${row.name}"`);
  return row;
}
