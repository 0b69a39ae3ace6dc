import type { Ctx } from '../context';
import type { Store } from '../../store/store';
import { requirePrompt } from '../sharing/access';
import { assertActive } from '../users/users-service';
import { createSyncEngine, type SyncEngine, type SyncStatus } from './sync-engine';
import { createSyncClient, type SyncFetch } from './sync-client';
import { teamLinkOf } from '../team/join-team';
import type { Workspace } from '../workspace';
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
 * Starts the background sync of a data folder that joined a team (core/team/join-team.ts keeps
 * the link, its device token sealed), once: the engine is attached (the `sync:*` channels use it)
 * and started. `serverUrl` replaces the joined address (a proxy in between, tests) and `fetch` the
 * transport. Returns null when the folder joined no team.
 *
 * @example const engine = startTeamSync(workspace); // after joinTeam, or at start
 */
export function startTeamSync(workspace: Workspace, options: { serverUrl?: string; fetch?: SyncFetch } = {}): SyncEngine | null {
  const running = syncEngineOf(workspace.store);
  if (running) return running;
  const link = teamLinkOf(workspace.store, workspace.runtime.secrets);
  if (!link) return null;
  const client = createSyncClient({ serverUrl: options.serverUrl || link.serverUrl, credential: link.token, fetch: options.fetch });
  const engine = createSyncEngine({ workspace, client });
  attachSyncEngine(workspace.store, engine);
  engine.start();
  return engine;
}

/** Stops and detaches the data folder's sync (the host closing, the member leaving the team). */
export function stopTeamSync(workspace: Pick<Workspace, 'store'>): void {
  syncEngineOf(workspace.store)?.stop();
  attachSyncEngine(workspace.store, null);
}

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
