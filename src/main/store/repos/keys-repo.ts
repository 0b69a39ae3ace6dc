import type { Db } from '../open';
import type { ApiKeyInfo } from '../../../shared/schemas/users';

interface KeyRow {
  id: string;
  user_id: string;
  label: string;
  prefix: string;
  hash: Buffer;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const keyFromRow = (row: KeyRow): ApiKeyInfo => ({
  id: row.id,
  userId: row.user_id,
  label: row.label,
  prefix: row.prefix,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export function keysRepo(db: Db) {
  const byPrefix = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE prefix = ?');
  const insert = db.prepare(
    'INSERT INTO api_keys (id, user_id, label, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  const forUser = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at');
  return {
    getByPrefix: (prefix: string) => {
      const row = byPrefix.get(prefix);
      return row ? { info: keyFromRow(row), hash: row.hash } : undefined;
    },
    insert: (key: ApiKeyInfo, hash: Buffer) =>
      insert.run(key.id, key.userId, key.label, key.prefix, hash, key.createdAt),
    touch: (id: string, at: string) => touch.run(at, id),
    listForUser: (userId: string) => forUser.all(userId).map(keyFromRow),
  };
}
