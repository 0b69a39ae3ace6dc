import type { Ctx } from '../context';
import { removalKey } from './removal-key';
import type { PullEntity } from '../../../shared/schemas/sync';
import type { syncServerRepo } from '../../store/repos/sync-server-repo';

type Repo = ReturnType<typeof syncServerRepo>;

/**
 * Records that a pull page carries a snapshot of the prompt to the member (docs/sync.md
 * "Removals"): from then on their replica may hold it, so losing it must reach them.
 */
export function noteSent(repo: Repo, ctx: Ctx, promptId: string): void {
  repo.markSent(ctx.actor.id, promptId);
}

/**
 * What a pull page says to the member about a prompt they may not read (anymore), or that was
 * deleted, at sequence `seq`, for a pull from `cursor` (its prompt part). Only a replica that may
 * hold the prompt hears of it: a `removed` entry (keyed by removal-key.ts, never the id) goes to
 * a member the server once sent the prompt to, and only until a pull from past the first such
 * removal (their replica applied it, cursor and page are committed together); everyone else gets
 * nothing, exactly as for a prompt that never existed (hidden = missing). A page lost on the way
 * is pulled again from the older cursor, so the removal is sent again.
 *
 * @returns the `removed` entity, or null for nothing
 */
export function removalFor(repo: Repo, ctx: Ctx, promptId: string, seq: number, cursor: number): PullEntity | null {
  const sent = repo.sent(ctx.actor.id, promptId);
  if (!sent) return null;
  if (sent.removed_seq !== null && cursor >= sent.removed_seq) return null;
  repo.markRemoved(ctx.actor.id, promptId, seq);
  return { kind: 'removed', seq, key: removalKey(ctx.actor.id, promptId) };
}
