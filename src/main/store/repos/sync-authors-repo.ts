import type { Db } from '../open';

/** Who last changed an item of a prompt (a metadata field, `testcase:<id>`) and when (migration 0260). */
export interface AuthorRow {
  user_id: string;
  name: string | null;
  at: string;
}

/** Reads and writes of `sync_authors` (core/sync/sync-authors.ts). */
export function syncAuthorsRepo(db: Db) {
  const record = db.prepare(`INSERT INTO sync_authors (prompt_id, item, user_id, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (prompt_id, item) DO UPDATE SET user_id = excluded.user_id, at = excluded.at`);
  const get = db.prepare<[string, string], AuthorRow>(
    'SELECT a.user_id, u.name, a.at FROM sync_authors a LEFT JOIN users u ON u.id = a.user_id WHERE a.prompt_id = ? AND a.item = ?',
  );
  return {
    record: (promptId: string, item: string, userId: string, at: string) => record.run(promptId, item, userId, at),
    get: (promptId: string, item: string) => get.get(promptId, item),
  };
}
