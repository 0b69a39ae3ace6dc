import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import { AppError, conflict } from '../errors';
import { isTeamReplica, requirePrompt } from '../sharing/access';
import { assertActive } from '../users/users-service';
import { editsOf } from './prompt-outbox';
import { REPLICA_SETTINGS, replicaOf } from './replica-apply';
import { syncEngineOf } from './sync-service';

/** What "Move to team…" answers: the prompt's name, and whether the team server has it yet (false: offline, it goes with the next sync). */
export interface MoveToTeamResult {
  name: string;
  onServer: boolean;
}

/**
 * Moves a personal prompt to the team workspace this desktop joined (docs/sync.md "Moving a
 * prompt to the team"), in one transaction: it becomes a team prompt owned by the joined member,
 * and its creation (`prompt.create`, with its metadata and sharing level), all its versions (in
 * number order), promotions, runs and test cases wait in the outbox. Local shares are dropped
 * (they name this desktop's members; sharing is the team server's to decide). Owner or admin
 * (the `share` action: who may decide who sees it).
 *
 * @throws AppError `conflict` (field `name`) when this desktop joined no team or the prompt is already a team prompt; as requirePrompt
 */
export function moveToTeam(ctx: Ctx, name: string): MoveToTeamResult {
  assertActive(ctx.actor);
  const { store } = ctx;
  const teamId = store.settings.get<string>(REPLICA_SETTINGS.teamId);
  const memberId = store.settings.get<string>(REPLICA_SETTINGS.memberId);
  store.tx(() => {
    // Visibility first (hidden = missing), then whether it is personal, then who may decide who sees it.
    const seen = requirePrompt(ctx, name, 'read');
    if (isTeamReplica(seen)) throw conflict(`"${seen.name}" is already in the team workspace`, 'name');
    const row = requirePrompt(ctx, name, 'share');
    if (!teamId || !memberId || !store.users.get(memberId)) throw conflict('Join a team workspace (Settings) before moving a prompt to it', 'name');
    const cases = store.testCases.list(row.id).map((c) => ({ id: c.id, opId: randomUUID() }));
    editsOf(store).moveToTeam(row.id, teamId, memberId, row.owner_id, randomUUID(), cases);
  });
  return { name, onServer: false };
}

/**
 * "Move to team…" as the app's door calls it: moves the prompt, then syncs at once when this
 * desktop has a sync engine, so a refusal by the server (a name the team already uses) is
 * answered here, at the field, and the prompt stays personal. Offline, the move waits in the
 * outbox (`onServer: false`) and a refusal arrives later as a notice.
 *
 * @throws AppError as {@link moveToTeam}; `conflict` (field `name`) with the server's reason when it refused the move
 */
export async function moveToTeamNow(ctx: Ctx, name: string): Promise<MoveToTeamResult> {
  const moved = moveToTeam(ctx, name);
  const engine = syncEngineOf(ctx.store);
  if (!engine) return moved;
  await engine.syncNow();
  const row = ctx.store.prompts.getRowByName(name) as (ReturnType<typeof ctx.store.prompts.getRowByName> & { team_id?: string | null }) | undefined;
  if (row && !row.team_id) {
    const refused = replicaOf(ctx.store).notices(50).find((n) => n.kind === 'move.rejected' && n.prompt_id === row.id);
    const error = refused ? (JSON.parse(refused.detail) as { code?: string; message?: string }) : {};
    throw new AppError(error.code === 'conflict' ? 'conflict' : 'invalid_input', `Not moved to the team: ${error.message ?? 'the team server refused it'}`, 'name');
  }
  return { name, onServer: !!row && editsOf(ctx.store).promptEdit(row.id)?.kind !== 'create' };
}
