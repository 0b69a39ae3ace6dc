import type { Db } from '../open';
import type { Share, SharePermission } from '../../../shared/schemas/sharing';

interface ShareRow {
  user_id: string;
  user_name: string;
  user_email: string;
  permission: SharePermission;
  created_at: string;
}

export function sharesRepo(db: Db) {
  const permission = db.prepare<[string, string], { permission: SharePermission }>(
    'SELECT permission FROM prompt_shares WHERE prompt_id = ? AND user_id = ?',
  );
  const list = db.prepare<[string], ShareRow>(`SELECT s.user_id, u.name AS user_name, u.email AS user_email, s.permission, s.created_at
    FROM prompt_shares s JOIN users u ON u.id = s.user_id WHERE s.prompt_id = ? ORDER BY u.name COLLATE NOCASE`);
  const upsert = db.prepare(`INSERT INTO prompt_shares (prompt_id, user_id, permission, created_by, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (prompt_id, user_id) DO UPDATE SET permission = excluded.permission`);
  const remove = db.prepare('DELETE FROM prompt_shares WHERE prompt_id = ? AND user_id = ?');
  const forUser = db.prepare<[string], { prompt_id: string; permission: SharePermission }>(
    'SELECT prompt_id, permission FROM prompt_shares WHERE user_id = ?',
  );
  return {
    permissionOf: (promptId: string, userId: string) => permission.get(promptId, userId)?.permission ?? null,
    list: (promptId: string): Share[] =>
      list.all(promptId).map((r) => ({
        user: { id: r.user_id, name: r.user_name, email: r.user_email },
        permission: r.permission,
        createdAt: r.created_at,
      })),
    upsert: (promptId: string, userId: string, perm: SharePermission, by: string, at: string) => upsert.run(promptId, userId, perm, by, at),
    remove: (promptId: string, userId: string) => remove.run(promptId, userId).changes > 0,
    forUser: (userId: string) => new Map(forUser.all(userId).map((r) => [r.prompt_id, r.permission])),
  };
}
