import type { Db } from '../open';
import type { ApiKeyInfo, ApiKeyListItem, KeyScope } from '../../../shared/schemas/users';

interface KeyRow {
  id: string;
  user_id: string;
  label: string;
  prefix: string;
  hash: Buffer;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  scopes: string;
  expires_at: string | null;
}

export const keyFromRow = (row: KeyRow): ApiKeyInfo => ({
  id: row.id,
  userId: row.user_id,
  label: row.label,
  prefix: row.prefix,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
  scopes: JSON.parse(row.scopes) as KeyScope[],
  expiresAt: row.expires_at,
});

export function keysRepo(db: Db) {
  const byPrefix = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE prefix = ?');
  const insert = db.prepare(
    'INSERT INTO api_keys (id, user_id, label, prefix, hash, created_at, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?');
  const byId = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?');
  type ListRow = KeyRow & { user_name: string; user_email: string };
  const listAll = db.prepare<[], ListRow>(`SELECT k.*, u.name AS user_name, u.email AS user_email
    FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.created_at DESC`);
  const withUser = (row: ListRow): ApiKeyListItem => ({ ...keyFromRow(row), user: { id: row.user_id, name: row.user_name, email: row.user_email } });
  const touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  const forUser = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at');
  return {
    getByPrefix: (prefix: string) => {
      const row = byPrefix.get(prefix);
      return row ? { info: keyFromRow(row), hash: row.hash } : undefined;
    },
    insert: (key: ApiKeyInfo, hash: Buffer) =>
      insert.run(key.id, key.userId, key.label, key.prefix, hash, key.createdAt, JSON.stringify(key.scopes), key.expiresAt),
    get: (id: string) => {
      const row = byId.get(id);
      return row ? keyFromRow(row) : undefined;
    },
    revoke: (id: string, at: string) => revoke.run(at, id),
    /** Every key with its member; the service narrows this to what the actor may see. */
    listAll: () => listAll.all().map(withUser),
    touch: (id: string, at: string) => touch.run(at, id),
    listForUser: (userId: string) => forUser.all(userId).map(keyFromRow),
  };
}
