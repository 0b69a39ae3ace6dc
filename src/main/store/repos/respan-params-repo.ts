import type { Db } from '../open';

/**
 * The kept Respan settings of a version, one row per version written through the Respan door
 * with settings Promptdesk has no field for (table `respan_version_params`, migration 0140). A
 * write touches that version's row only, whatever the number of versions; a deleted version or
 * prompt takes its row with it (ON DELETE CASCADE).
 */
export function respanParamsRepo(db: Db) {
  const get = db.prepare<[string, string], { params: string }>('SELECT params FROM respan_version_params WHERE version_id = ? AND prompt_id = ?');
  const put = db.prepare('INSERT OR REPLACE INTO respan_version_params (version_id, prompt_id, params) VALUES (?, ?, ?)');
  const remove = db.prepare('DELETE FROM respan_version_params WHERE version_id = ? AND prompt_id = ?');
  return {
    /** The settings JSON of `versionId` (a version of `promptId`), if any were kept. */
    get: (promptId: string, versionId: string): string | undefined => get.get(versionId, promptId)?.params,
    /** Replaces one version's settings JSON. */
    put: (promptId: string, versionId: string, params: string) => put.run(versionId, promptId, params),
    /** Forgets one version's settings (none kept: every member is its "not set" value). */
    remove: (promptId: string, versionId: string) => remove.run(versionId, promptId),
  };
}
