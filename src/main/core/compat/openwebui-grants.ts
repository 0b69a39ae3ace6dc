import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../context';
import { invalid } from '../errors';
import { requirePrompt } from '../sharing/access';
import { addShare, removeShare, setSharingLevel } from '../sharing/sharing-service';
import type { SharePermission, SharingLevel } from '../../../shared/schemas/sharing';
import type { PromptRow } from '../../store/repos/prompts-repo';

/**
 * Open WebUI's access grants over Promptdesk's sharing (docs/compat.md, "Seed 003: grants").
 *
 * Open WebUI (backend/open_webui/models/access_grants.py at 84a01b84733fd2a8d2511195b3a328604e52646f)
 * keeps one row per (principal, permission): `principal_type` "user" or "group", `principal_id` a
 * user id, a group id or "*" (everyone), `permission` "read" or "write"; `has_access` looks for a
 * grant with exactly the permission asked, so a writer carries both a read and a write grant.
 * Promptdesk keeps a sharing level for everyone and one share per member:
 *
 * | Promptdesk                 | Open WebUI grants                                  |
 * | -------------------------- | -------------------------------------------------- |
 * | Private, Chat only          | no `*` grant                                       |
 * | Library View                | `user:*:read`                                      |
 * | Library Edit                | `user:*:read` + `user:*:write`                     |
 * | a member's view share       | `user:<id>:read`                                   |
 * | a member's edit share       | `user:<id>:read` + `user:<id>:write`               |
 * | a member's run share        | none (Open WebUI cannot say "run but not read")    |
 *
 * Back from grants: a `*` write grant is Library Edit, a `*` read grant Library View, no `*`
 * grant Private, except that Chat only stays Chat only (it gives nobody read, which is all a grant
 * list can say, so a list read back and sent again never changes it). A member's write grant is an
 * edit share, a read grant a view share; a member the list does not name loses a view or edit
 * share and keeps a run share (for the same reason). Group grants are refused: Promptdesk has no
 * groups.
 */

/** One access grant as Open WebUI answers it (AccessGrantModel). */
export interface OpenWebUiGrant {
  id: string;
  resource_type: 'prompt';
  resource_id: string;
  principal_type: 'user' | 'group';
  principal_id: string;
  permission: 'read' | 'write';
  /** Epoch seconds. */
  created_at: number;
}

/** A grant as a client sends it: the three fields that matter; the rest of a read-back grant is ignored. */
export const AccessGrantSchema = z.looseObject({
  principal_type: z.enum(['user', 'group'], { message: 'principal_type must be "user" or "group"' }),
  principal_id: z.string().min(1).max(64),
  permission: z.enum(['read', 'write'], { message: 'permission must be "read" or "write"' }),
});
export type AccessGrantInput = z.output<typeof AccessGrantSchema>;
/** What a grant grants: the three fields every grant list (sent or read back) has. */
export type GrantLike = Pick<AccessGrantInput, 'principal_type' | 'principal_id' | 'permission'>;

/** PromptAccessGrantsForm's `access_grants`, bounded (200 grants) so a body cannot make unbounded share writes. */
export const AccessGrantsSchema = z.array(AccessGrantSchema).max(200);

/** Everyone, in Open WebUI's grants. */
export const PUBLIC_PRINCIPAL = '*';

/** Open WebUI's timestamps (`created_at`, `updated_at`): whole epoch seconds, as its models' `int(time.time())` (docs/compat.md, Seed 003). */
export const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * A stable id for a grant Promptdesk does not store as a row: a UUID-shaped hash of what it
 * grants, so the same grant reads back with the same id.
 */
function grantId(promptId: string, principal: string, permission: string): string {
  const hex = createHash('sha256').update(`${promptId}\0user\0${principal}\0${permission}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const PERMISSIONS_BY_LEVEL: Record<SharingLevel, Array<'read' | 'write'>> = {
  private: [],
  chat_only: [],
  library_view: ['read'],
  library_edit: ['read', 'write'],
};
const PERMISSIONS_BY_SHARE: Record<SharePermission, Array<'read' | 'write'>> = { view: ['read'], run: [], edit: ['read', 'write'] };

/**
 * The grants a prompt's sharing amounts to, public grants first. The public grants' `created_at`
 * is the prompt's last change (Promptdesk keeps no date for its sharing level); a member's is
 * when the share was made.
 */
export function grantsOf(ctx: Ctx, row: PromptRow): OpenWebUiGrant[] {
  const grant = (principal: string, permission: 'read' | 'write', at: string): OpenWebUiGrant => ({
    id: grantId(row.id, principal, permission),
    resource_type: 'prompt',
    resource_id: row.id,
    principal_type: 'user',
    principal_id: principal,
    permission,
    created_at: epoch(at),
  });
  const grants = PERMISSIONS_BY_LEVEL[row.sharing_level].map((p) => grant(PUBLIC_PRINCIPAL, p, row.updated_at));
  for (const share of ctx.store.shares.list(row.id)) {
    for (const p of PERMISSIONS_BY_SHARE[share.permission]) grants.push(grant(share.user.id, p, share.createdAt));
  }
  return grants;
}

/** A comparable key of a grant list (what it grants, not ids or dates). */
export const grantsKey = (grants: readonly GrantLike[]) =>
  [...new Set(grants.map((g) => `${g.principal_type}:${g.principal_id}:${g.permission}`))].sort().join(',');

/**
 * Replaces a prompt's sharing with what `grants` say (the mapping above), through the sharing
 * services: owner or admin only (`share`), as every Promptdesk door. Grants naming the owner or
 * the caller change nothing (they have full access already).
 *
 * @throws AppError invalid_input naming `access_grants.N.principal_type` (a group) or
 *   `access_grants.N.principal_id` (no such member); forbidden without share permission
 */
export function applyGrants(ctx: Ctx, row: PromptRow, grants: readonly GrantLike[], paths?: readonly string[]): void {
  // The field the client sent: `access_grants.N.x`, or for an older `access_control` body the
  // path of the id it listed (`access_control.read.user_ids.0`), see accessControlToGrants.
  const fieldOf = (index: number, member: 'principal_type' | 'principal_id') => paths?.[index] ?? `access_grants.${index}.${member}`;
  ctx.store.tx(() => {
    requirePrompt(ctx, row.name, 'share');
    const everyone = new Set<string>();
    const members = new Map<string, 'view' | 'edit'>();
    for (const [index, grant] of grants.entries()) {
      if (grant.principal_type !== 'user') {
        throw invalid('Promptdesk has no groups: grant to members (principal_type "user") or to everyone (principal_id "*")', fieldOf(index, 'principal_type'));
      }
      if (grant.principal_id === PUBLIC_PRINCIPAL) {
        everyone.add(grant.permission);
        continue;
      }
      const user = ctx.store.users.get(grant.principal_id);
      if (!user) throw invalid('No member has this id', fieldOf(index, 'principal_id'));
      if (user.id === row.owner_id || user.id === ctx.actor.id) continue;
      if (grant.permission === 'write' || members.get(user.id) !== 'edit') members.set(user.id, grant.permission === 'write' ? 'edit' : 'view');
    }
    const level: SharingLevel = everyone.has('write') ? 'library_edit' : everyone.has('read') ? 'library_view' : row.sharing_level === 'chat_only' ? 'chat_only' : 'private';
    if (level !== row.sharing_level) setSharingLevel(ctx, { name: row.name, level });
    for (const share of ctx.store.shares.list(row.id)) {
      // The caller's own share is never taken away by a list that (rightly) leaves them out.
      const kept = members.has(share.user.id) || share.permission === 'run' || share.user.id === ctx.actor.id;
      if (!kept) removeShare(ctx, { name: row.name, userId: share.user.id });
    }
    for (const [userId, permission] of members) {
      if (ctx.store.shares.permissionOf(row.id, userId) === permission) continue;
      addShare(ctx, { name: row.name, email: ctx.store.users.get(userId)!.email, permission });
    }
  });
}

const PrincipalIds = z.object({ user_ids: z.array(z.string().max(64)).max(200).optional(), group_ids: z.array(z.string().max(64)).max(200).optional() });

/**
 * Open WebUI's older `access_control` field (its frontend before access grants sent it with every
 * create and update): null is everyone may read, `{}` private, else user and group ids per
 * permission (models/access_grants.py `access_control_to_grants`).
 */
export const AccessControlSchema = z.object({ read: PrincipalIds.optional(), write: PrincipalIds.optional() }).nullable();

/**
 * `access_control` as the grant list it stands for (the same conversion as Open WebUI's), with
 * the path in `access_control` of each grant's id (`read.group_ids.0`), so an error names the
 * field the client sent.
 */
export function accessControlToGrants(accessControl: z.output<typeof AccessControlSchema>): { grants: GrantLike[]; paths: string[] } {
  if (accessControl === null) return { grants: [{ principal_type: 'user', principal_id: PUBLIC_PRINCIPAL, permission: 'read' }], paths: ['access_control'] };
  const grants: GrantLike[] = [];
  const paths: string[] = [];
  for (const permission of ['read', 'write'] as const) {
    for (const key of ['group_ids', 'user_ids'] as const) {
      for (const [index, id] of (accessControl[permission]?.[key] ?? []).entries()) {
        grants.push({ principal_type: key === 'group_ids' ? 'group' : 'user', principal_id: id, permission });
        paths.push(`access_control.${permission}.${key}.${index}`);
      }
    }
  }
  return { grants, paths };
}
