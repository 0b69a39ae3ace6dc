import type { Statement } from 'better-sqlite3';
import { AppError } from '../errors';
import type { Store } from '../../store/store';
import { REPLICA_MEMBER_SETTING } from '../sync/replica-member';

/**
 * Why a desktop refuses to change a member its team replica copied in (attack 14b N3): "sharing,
 * membership and permission changes are the server's to decide" (issue 14). Protocol 1 sends no
 * member change, and the next pull that sends the member again undoes it (or, until then, the
 * member is locked out of their own replica here).
 */
export const TEAM_MEMBER_CHANGE_REFUSED = 'Change members on the team server: a change made on this desktop is not sent to the team';

const teamIdStatements = new WeakMap<Store, Statement<[string], { team_id: string | null }>>();

/** The team a member row was replicated from (migration 0270's `users.team_id`); null for the folder's own members. */
export function memberTeamOf(store: Store, userId: string): string | null {
  let statement = teamIdStatements.get(store);
  if (!statement) teamIdStatements.set(store, (statement = store.db.prepare('SELECT team_id FROM users WHERE id = ?')));
  return statement.get(userId)?.team_id ?? null;
}

/**
 * The one rule for member changes on a joined desktop (activate, deactivate, and any other change
 * users-service offers): refused for a member the team replica copied in, at every door (IPC,
 * bridge, HTTP, CLI), since nothing of it reaches the team server. The folder's own members, and
 * every member on a team server (whose rows are never replicated), stay changeable. Leave makes
 * the team's members the folder's own (core/team/team-link-service.ts).
 *
 * @throws AppError `forbidden` at `userId` ({@link TEAM_MEMBER_CHANGE_REFUSED}) for a replicated team member
 */
export function refuseTeamMemberChange(store: Store, userId: string): void {
  if (isTeamManagedMember(store, userId)) throw new AppError('forbidden', TEAM_MEMBER_CHANGE_REFUSED, 'userId');
}

/**
 * The outcome of {@link refuseTeamMemberChange} without throwing: whether a member is changed only
 * on the team server (a member a joined desktop's replica copied in). listUsers marks such
 * members `managedByTeam`, so Settings → Members offers no Deactivate/Reactivate it would refuse
 * (attack 14c L4).
 */
export function isTeamManagedMember(store: Store, userId: string): boolean {
  return memberTeamOf(store, userId) !== null;
}

/** Why a desktop refuses API keys and sign-in links for a member its team replica copied in (attack 14c L3). */
export const TEAM_MEMBER_CREDENTIAL_REFUSED = 'Create keys and sign-in links for team members on the team server: on this desktop they would act as a member it did not join as';

/**
 * The one rule for credentials (API keys, one-time sign-in links) on a joined desktop, sibling of
 * {@link refuseTeamMemberChange}: refused for a member the team replica copied in other than the
 * member this desktop joined as, at every door (keys-service createKey: IPC, bridge, HTTP, CLI
 * `keys create`; sign-in.ts createLoginLink: CLI `users login-link`). A key or link for another
 * team member would let anyone at this desktop act locally as them (a team admin included)
 * though the team never gave it. The joined member's own key (a local app's, README) and the
 * folder's own members stay allowed; a team server's members are never replicated rows, so it
 * refuses nothing there.
 *
 * @param field the input field naming the member (`userEmail` for keys, `user` for links)
 * @throws AppError `forbidden` at `field` ({@link TEAM_MEMBER_CREDENTIAL_REFUSED}) for another replicated team member
 */
export function refuseTeamMemberCredential(store: Store, userId: string, field: string): void {
  if (memberTeamOf(store, userId) === null || store.settings.get<string>(REPLICA_MEMBER_SETTING) === userId) return;
  throw new AppError('forbidden', TEAM_MEMBER_CREDENTIAL_REFUSED, field);
}
