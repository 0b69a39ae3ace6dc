import type { Db } from '../open';

/**
 * Open WebUI history snapshots, one row per version written through the Open WebUI door
 * (table `openwebui_snapshots`, migration 0130). The snapshot is stored as the door's JSON; a
 * deleted version or prompt takes its rows with it (ON DELETE CASCADE).
 */
export function openWebUiSnapshotsRepo(db: Db) {
  const get = db.prepare<[string, string], { snapshot: string }>('SELECT snapshot FROM openwebui_snapshots WHERE version_id = ? AND prompt_id = ?');
  const put = db.prepare('INSERT OR REPLACE INTO openwebui_snapshots (version_id, prompt_id, snapshot) VALUES (?, ?, ?)');
  return {
    /** The snapshot JSON of `versionId` (a version of `promptId`), if one was recorded. */
    get: (promptId: string, versionId: string): string | undefined => get.get(versionId, promptId)?.snapshot,
    /** Records (or replaces) the snapshot of one version: one row written, whatever the history's length. */
    put: (promptId: string, versionId: string, snapshot: string) => put.run(versionId, promptId, snapshot),
  };
}
