import type { Db } from '../open';

/** An invitation to join a team server (its code is stored hashed). */
export interface Invite {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
  userId: string | null;
}

interface InviteRow {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  invited_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  user_id: string | null;
}

const inviteFromRow = (row: InviteRow): Invite => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  invitedBy: row.invited_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
  revokedAt: row.revoked_at,
  userId: row.user_id,
});

/** A web UI session of a team server (its id is stored hashed). */
export interface TeamSessionRow {
  userId: string;
  csrfToken: string;
  createdAt: string;
  usedAt: string;
}

const INVITE_COLUMNS = 'id, email, name, role, invited_by, created_at, expires_at, used_at, revoked_at, user_id';

/** `team_invites`, `member_passwords` and `team_sessions`: prepared once per database. */
export function teamRepo(db: Db) {
  const insertInvite = db.prepare(
    'INSERT INTO team_invites (id, code_hash, email, name, role, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const inviteByHash = db.prepare<[Buffer], InviteRow>(`SELECT ${INVITE_COLUMNS} FROM team_invites WHERE code_hash = ?`);
  const inviteById = db.prepare<[string], InviteRow>(`SELECT ${INVITE_COLUMNS} FROM team_invites WHERE id = ?`);
  const pendingInvites = db.prepare<[string], InviteRow>(
    `SELECT ${INVITE_COLUMNS} FROM team_invites WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id`,
  );
  const revokeInvite = db.prepare('UPDATE team_invites SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL');
  const revokeInvitesFor = db.prepare('UPDATE team_invites SET revoked_at = ? WHERE email = ? AND used_at IS NULL AND revoked_at IS NULL');
  // Only a live invite is marked: the change count tells an accepter whether it won a race.
  const useInvite = db.prepare('UPDATE team_invites SET used_at = ?, user_id = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL');
  const getPassword = db.prepare<[string], { hash: string }>('SELECT hash FROM member_passwords WHERE user_id = ?');
  const setPassword = db.prepare(
    'INSERT INTO member_passwords (user_id, hash, changed_at) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET hash = excluded.hash, changed_at = excluded.changed_at',
  );
  const insertSession = db.prepare('INSERT INTO team_sessions (id_hash, user_id, csrf_token, created_at, used_at) VALUES (?, ?, ?, ?, ?)');
  const sessionByHash = db.prepare<[Buffer], { user_id: string; csrf_token: string; created_at: string; used_at: string }>(
    'SELECT user_id, csrf_token, created_at, used_at FROM team_sessions WHERE id_hash = ?',
  );
  const touchSession = db.prepare('UPDATE team_sessions SET used_at = ? WHERE id_hash = ?');
  const deleteSession = db.prepare('DELETE FROM team_sessions WHERE id_hash = ?');
  const deleteSessionsOf = db.prepare('DELETE FROM team_sessions WHERE user_id = ?');
  const deleteOtherSessionsOf = db.prepare('DELETE FROM team_sessions WHERE user_id = ? AND id_hash <> ?');
  const pruneSessions = db.prepare('DELETE FROM team_sessions WHERE used_at < ? OR created_at < ?');
  return {
    insertInvite: (invite: Omit<Invite, 'usedAt' | 'revokedAt' | 'userId'>, codeHash: Buffer) =>
      insertInvite.run(invite.id, codeHash, invite.email, invite.name, invite.role, invite.invitedBy, invite.createdAt, invite.expiresAt),
    inviteByCodeHash: (hash: Buffer): Invite | undefined => {
      const row = inviteByHash.get(hash);
      return row ? inviteFromRow(row) : undefined;
    },
    invite: (id: string): Invite | undefined => {
      const row = inviteById.get(id);
      return row ? inviteFromRow(row) : undefined;
    },
    /** Invites neither used, revoked nor expired at `now`, newest first. */
    pendingInvites: (now: string): Invite[] => pendingInvites.all(now).map(inviteFromRow),
    revokeInvite: (id: string, at: string): boolean => revokeInvite.run(at, id).changes === 1,
    revokeInvitesFor: (email: string, at: string) => revokeInvitesFor.run(at, email),
    useInvite: (id: string, userId: string, at: string): boolean => useInvite.run(at, userId, id).changes === 1,
    passwordHash: (userId: string): string | undefined => getPassword.get(userId)?.hash,
    setPasswordHash: (userId: string, hash: string, at: string) => setPassword.run(userId, hash, at),
    insertSession: (idHash: Buffer, session: TeamSessionRow) => insertSession.run(idHash, session.userId, session.csrfToken, session.createdAt, session.usedAt),
    session: (idHash: Buffer): TeamSessionRow | undefined => {
      const row = sessionByHash.get(idHash);
      return row ? { userId: row.user_id, csrfToken: row.csrf_token, createdAt: row.created_at, usedAt: row.used_at } : undefined;
    },
    touchSession: (idHash: Buffer, at: string) => touchSession.run(at, idHash),
    deleteSession: (idHash: Buffer) => deleteSession.run(idHash),
    deleteSessionsOf: (userId: string) => deleteSessionsOf.run(userId),
    deleteOtherSessionsOf: (userId: string, keep: Buffer) => deleteOtherSessionsOf.run(userId, keep),
    /** Deletes sessions unused since `idleBefore` or made before `createdBefore`. */
    pruneSessions: (idleBefore: string, createdBefore: string) => pruneSessions.run(idleBefore, createdBefore),
  };
}
