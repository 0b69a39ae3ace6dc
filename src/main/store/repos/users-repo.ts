import type { Db } from '../open';
import type { User } from '../../../shared/schemas/users';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  is_active: number;
  created_at: string;
}

export const userFromRow = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  isActive: row.is_active === 1,
  createdAt: row.created_at,
});

export function usersRepo(db: Db) {
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name COLLATE NOCASE');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  // rowid order is insertion order: the folder's own first admin comes before any member a team
  // replica copied in, and those (team_id set, migration 0270) are never taken.
  const firstActiveAdmin = db.prepare<[], UserRow>("SELECT * FROM users WHERE role = 'admin' AND is_active = 1 AND team_id IS NULL ORDER BY rowid LIMIT 1");
  const insert = db.prepare('INSERT INTO users (id, email, name, role, is_active, created_at) VALUES (?, ?, ?, ?, 1, ?)');
  const setActive = db.prepare('UPDATE users SET is_active = ? WHERE id = ?');
  return {
    get: (id: string) => {
      const row = byId.get(id);
      return row ? userFromRow(row) : undefined;
    },
    getByEmail: (email: string) => {
      const row = byEmail.get(email);
      return row ? userFromRow(row) : undefined;
    },
    list: () => all.all().map(userFromRow),
    firstActiveAdmin: () => {
      const row = firstActiveAdmin.get();
      return row ? userFromRow(row) : undefined;
    },
    count: () => count.get()!.n,
    setActive: (id: string, isActive: boolean) => setActive.run(isActive ? 1 : 0, id),
    insert: (user: User) => insert.run(user.id, user.email, user.name, user.role, user.createdAt),
  };
}
