import type { Ctx } from '../context';
import type { Store } from '../../store/store';
import { requirePrompt } from '../sharing/access';
import { assertActive } from '../users/users-service';
import type { SyncEngine, SyncStatus } from './sync-engine';
import { replicaOf } from './replica-apply';

const engines = new WeakMap<Store, SyncEngine>();

/** Makes `engine` the sync of this data folder (the host does it once the desktop joined a team); null detaches. */
export function attachSyncEngine(store: Store, engine: SyncEngine | null): void {
  if (engine) engines.set(store, engine);
  else engines.delete(store);
}

/** The sync engine of a data folder, if it joined a team. */
export const syncEngineOf = (store: Store): SyncEngine | undefined => engines.get(store);

/**
 * What the sync indicator shows: online / offline / syncing, when it last synced, how many
 * changes wait, and the sync's notices. `null` when this data folder has joined no team.
 */
export function syncStatus(ctx: Ctx): SyncStatus | null {
  assertActive(ctx.actor);
  return syncEngineOf(ctx.store)?.status() ?? null;
}

/** "Sync now": pushes what waits and pulls; answers the status after (null when not joined). */
export async function syncNow(ctx: Ctx): Promise<SyncStatus | null> {
  assertActive(ctx.actor);
  const engine = syncEngineOf(ctx.store);
  return engine ? engine.syncNow() : null;
}

/**
 * The numbers of a prompt's versions saved here and not yet on the team server ("not yet
 * synced": provisional, the server gives the final one). Read permission, like the versions.
 */
export function unsyncedVersions(ctx: Ctx, name: string): { numbers: number[] } {
  assertActive(ctx.actor);
  const row = requirePrompt(ctx, name, 'read');
  return { numbers: replicaOf(ctx.store).pendingNumbers(row.id).map((v) => v.number) };
}
