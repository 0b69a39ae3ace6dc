import { AppError, promptNotFound } from '../errors';
import type { Ctx } from '../context';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { Action, SharePermission, SharingLevel } from '../../../shared/schemas/sharing';
import { ACTIONS, TEAM_SHARING_REFUSED } from '../../../shared/schemas/sharing';
import type { KeyScope, User } from '../../../shared/schemas/users';
import { requireScope } from '../keys/keys-service';
import { assertActive } from '../users/users-service';
import { REPLICA_MEMBER_SETTING } from '../sync/replica-member';

const BY_LEVEL: Record<SharingLevel, Action[]> = {
  private: [],
  chat_only: ['run'],
  library_view: ['read', 'run'],
  library_edit: ['read', 'run', 'edit', 'promote'],
};

// A `run` share is Chat only for one person: seed 000 offers Chat only "to make it available in
// chat without exposing the configuration", so running never implies reading the template.
const BY_SHARE: Record<SharePermission, Action[]> = {
  view: ['read'],
  run: ['run'],
  edit: ['read', 'run', 'edit', 'promote'],
};

export interface AccessSubject {
  ownerId: string;
  sharingLevel: SharingLevel;
  /** The actor's individual share on this prompt, if any. */
  share: SharePermission | null;
  /**
   * A team prompt in a desktop's replica (docs/sync.md): whoever acts on this desktop acts on it
   * as the member the desktop joined the team as, so the rules give exactly what the server would.
   */
  actAs?: User;
}

/**
 * Everything `actor` may do with a prompt: the single place the sharing rules live.
 * Owners and admins may do everything; sharing and deleting are theirs alone.
 */
export function allowedActions(actor: User, subject: AccessSubject): ReadonlySet<Action> {
  actor = subject.actAs ?? actor;
  if (!actor.isActive) return NOTHING;
  if (actor.role === 'admin' || actor.id === subject.ownerId) return EVERYTHING;
  return GRANTED[subject.sharingLevel][subject.share ?? 'none'];
}

// The tables above give every (sharing level, share) pair one fixed set of actions: each set is
// built once here rather than on every request (the render path asks on every call); callers only read them.
const NOTHING: ReadonlySet<Action> = new Set();
const EVERYTHING: ReadonlySet<Action> = new Set(ACTIONS);
const grantedBy = (level: SharingLevel) => ({
  none: new Set(BY_LEVEL[level]) as ReadonlySet<Action>,
  view: new Set([...BY_LEVEL[level], ...BY_SHARE.view]) as ReadonlySet<Action>,
  run: new Set([...BY_LEVEL[level], ...BY_SHARE.run]) as ReadonlySet<Action>,
  edit: new Set([...BY_LEVEL[level], ...BY_SHARE.edit]) as ReadonlySet<Action>,
});
const GRANTED: Record<SharingLevel, Record<SharePermission | 'none', ReadonlySet<Action>>> = {
  private: grantedBy('private'),
  chat_only: grantedBy('chat_only'),
  library_view: grantedBy('library_view'),
  library_edit: grantedBy('library_edit'),
};

export function subjectOf(ctx: Ctx, row: PromptRow): AccessSubject {
  const actAs = teamMemberFor(ctx, row);
  const share = ctx.store.shares.permissionOf(row.id, (actAs ?? ctx.actor).id);
  // Two literals rather than a spread of `{ actAs }` or `{}`: the render path asks twice a request.
  return actAs ? { ownerId: row.owner_id, sharingLevel: row.sharing_level, share, actAs } : { ownerId: row.owner_id, sharingLevel: row.sharing_level, share };
}

/**
 * Whom a change to `row` is recorded as (a version's author, a promotion's promoter): on a team
 * prompt held in a desktop's replica, the member the desktop joined as (whoever uses the
 * desktop acts as them, and the server records them when the change arrives), so the history
 * shows the member from the first moment, not the local account that happened to be signed in;
 * else the actor. Returns a user id.
 */
export function recordedActorId(ctx: Ctx, row: PromptRow): string {
  return (teamMemberFor(ctx, row) ?? ctx.actor).id;
}

/**
 * For a team prompt held in a desktop's replica (`prompts.team_id`, migration 0240), the member
 * the desktop joined as: local people act on team prompts as that member (docs/sync.md), so a
 * save or promotion allowed here is one the server will take. Undefined for a personal prompt
 * (and on a team server, whose prompts carry no team_id).
 */
function teamMemberFor(ctx: Ctx, row: PromptRow): User | undefined {
  if (!(row as PromptRow & { team_id?: string | null }).team_id) return undefined;
  const memberId = ctx.store.settings.get<string>(REPLICA_MEMBER_SETTING);
  return memberId ? ctx.store.users.get(memberId) : undefined;
}

/**
 * "Sharing, membership and permission changes are the server's to decide" (issue 14): a change of
 * a team prompt's sharing on a desktop would be overwritten by the next pull, so requirePrompt
 * refuses the `share` action on one at once, at every door, with {@link TEAM_SHARING_REFUSED}.
 */
export { TEAM_SHARING_REFUSED };

/** Whether a prompt is a team prompt held in a desktop's replica (migration 0240's `team_id`; a team server's own prompts have none). */
export function isTeamReplica(row: PromptRow): boolean {
  return !!(row as PromptRow & { team_id?: string | null }).team_id;
}

/**
 * What the actor may do with a prompt as seen through their door: nothing (hidden = missing) for
 * an API caller when the prompt's API access is off, admins included; else allowedActions. An
 * empty set means the prompt does not exist for them. requirePrompt and the change stream's
 * delivery (core/changes) decide visibility here, the latter also for a deleted prompt from the
 * subject recorded at deletion.
 */
export function visibleActions(ctx: Ctx, subject: AccessSubject, apiAccess: boolean): ReadonlySet<Action> {
  if (ctx.via && !apiAccess) return NOTHING;
  return allowedActions(ctx.actor, subject);
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

/** The one 401 message for a keyless API call that is refused, here and in the auth middleware (api/auth.ts): byte-for-byte the same. */
export const KEYLESS_REFUSED = 'Send an API key in the Authorization header: "Authorization: Bearer <key>"';

/**
 * A keyless API call may only read or run, from this machine, a prompt with API access on and
 * its key requirement off. Anything else, a name that does not exist included, is the same 401
 * the auth middleware gives keyless calls to other routes: without a key nothing about which
 * names exist can be learnt.
 */
function keylessAllows(row: PromptRow | undefined, loopback: boolean, action: Action): row is PromptRow {
  return !!row && row.api_access === 1 && row.api_key_required !== 1 && loopback && (action === 'read' || action === 'run');
}

/**
 * The prompt, if the actor may do `action` with it. The order is the guarantee:
 *  1. visibility: a name that does not exist, a prompt with API access off (for API callers,
 *     admins included) and one the actor has no access to at all are the same `promptNotFound()`;
 *  2. then the key's scope (403), so a narrowed key cannot tell hidden from missing either;
 *  3. then the action (403 naming the prompt, which the actor can see).
 * Keyless API calls get one 401 for every refusal (see keylessAllows).
 *
 * @throws AppError `unauthenticated` (401), `not_found` (404) or `forbidden` (403)
 */
export function requirePrompt(ctx: Ctx, name: string, action: Action): PromptRow {
  assertActive(ctx.actor);
  const row = ctx.store.prompts.getRowByName(name);
  const via = ctx.via;
  if (via && via.key === null) {
    if (!keylessAllows(row, via.loopback, action)) throw new AppError('unauthenticated', KEYLESS_REFUSED);
    // Sharing rules do not apply to a keyless call: the prompt itself allows it.
    return row;
  }
  if (!row) throw promptNotFound();
  const allowed = visibleActions(ctx, subjectOf(ctx, row), row.api_access === 1);
  if (allowed.size === 0) throw promptNotFound();
  if (via?.key) requireScope(via.key, SCOPE_FOR[action]);
  if (action === 'share' && isTeamReplica(row)) throw new AppError('forbidden', TEAM_SHARING_REFUSED);
  if (!allowed.has(action)) throw new AppError('forbidden', `You do not have permission to ${VERBS[action]} "${row.name}"`);
  return row;
}

/**
 * Whether the actor may see the prompt's text (template, rendered messages, versions): read
 * permission. A member who may only run (Chat only, a `run` share) gets outputs, never text.
 * Keyless API calls act under the prompt's own keyless rule, which allows read.
 */
export function canReadText(ctx: Ctx, row: PromptRow): boolean {
  if (ctx.via && ctx.via.key === null) return true;
  return allowedActions(ctx.actor, subjectOf(ctx, row)).has('read');
}
