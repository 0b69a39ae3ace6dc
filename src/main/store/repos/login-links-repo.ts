import type { Db } from '../open';

export interface LoginLink {
  userId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

interface LoginLinkRow {
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

const fromRow = (row: LoginLinkRow): LoginLink => ({ userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at });

/** `login_links`: one-time sign-in links, looked up by the hash of their secret. */
export function loginLinksRepo(db: Db) {
  const insert = db.prepare('INSERT INTO login_links (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
  const byHash = db.prepare<[Buffer], LoginLinkRow>('SELECT user_id, created_at, expires_at, used_at FROM login_links WHERE token_hash = ?');
  // Only an unused link is marked: the change count tells a redeemer whether it won a race.
  const use = db.prepare('UPDATE login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL');
  const prune = db.prepare('DELETE FROM login_links WHERE expires_at < ?');
  const useAllOf = db.prepare('UPDATE login_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL');
  return {
    insert: (hash: Buffer, link: Omit<LoginLink, 'usedAt'>) => insert.run(hash, link.userId, link.createdAt, link.expiresAt),
    get: (hash: Buffer): LoginLink | undefined => {
      const row = byHash.get(hash);
      return row ? fromRow(row) : undefined;
    },
    /** Marks the link used; false when it already was. */
    use: (hash: Buffer, at: string): boolean => use.run(at, hash).changes === 1,
    pruneExpiredBefore: (at: string) => prune.run(at),
    /** Marks every unused link of a member used (they were deactivated). */
    useAllOf: (userId: string, at: string) => useAllOf.run(at, userId),
  };
}
