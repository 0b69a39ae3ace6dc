import type { Db } from '../open';

/** A desktop (or headless host) allowed to sync as a member of a team server. */
export interface Device {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

interface DeviceRow {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

const fromRow = (row: DeviceRow): Device => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  revokedAt: row.revoked_at,
});

/** A one-time authorization code handed to a desktop's loopback redirect (RFC 8252), bound to a PKCE challenge. */
export interface DeviceGrant {
  userId: string;
  deviceName: string;
  redirectUri: string;
  codeChallenge: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

interface GrantRow {
  user_id: string;
  device_name: string;
  redirect_uri: string;
  code_challenge: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

const COLUMNS = 'id, user_id, name, created_at, last_seen_at, revoked_at';

/** `devices` and `device_grants`: device tokens and authorization codes, looked up by the SHA-256 of their secret. */
export function devicesRepo(db: Db) {
  const insert = db.prepare('INSERT INTO devices (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  const byHash = db.prepare<[Buffer], DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE token_hash = ?`);
  const byId = db.prepare<[string], DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE id = ?`);
  const ofUser = db.prepare<[string], DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id`);
  const revoke = db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const revokeAllOf = db.prepare('UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL');
  const seen = db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?');
  const insertGrant = db.prepare(
    'INSERT INTO device_grants (code_hash, user_id, device_name, redirect_uri, code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const grantByHash = db.prepare<[Buffer], GrantRow>(
    'SELECT user_id, device_name, redirect_uri, code_challenge, created_at, expires_at, used_at FROM device_grants WHERE code_hash = ?',
  );
  // Only an unused code is marked: the change count tells a redeemer whether it won a race.
  const useGrant = db.prepare('UPDATE device_grants SET used_at = ? WHERE code_hash = ? AND used_at IS NULL');
  const pruneGrants = db.prepare('DELETE FROM device_grants WHERE expires_at < ?');
  return {
    insert: (device: Omit<Device, 'lastSeenAt' | 'revokedAt'>, tokenHash: Buffer) => insert.run(device.id, device.userId, device.name, tokenHash, device.createdAt),
    getByTokenHash: (hash: Buffer): Device | undefined => {
      const row = byHash.get(hash);
      return row ? fromRow(row) : undefined;
    },
    get: (id: string): Device | undefined => {
      const row = byId.get(id);
      return row ? fromRow(row) : undefined;
    },
    /** A member's devices that still work, newest first. */
    listOf: (userId: string): Device[] => ofUser.all(userId).map(fromRow),
    /** False when it was revoked already (or does not exist). */
    revoke: (id: string, at: string): boolean => revoke.run(at, id).changes === 1,
    revokeAllOf: (userId: string, at: string) => revokeAllOf.run(at, userId),
    touch: (id: string, at: string) => seen.run(at, id),
    insertGrant: (hash: Buffer, grant: Omit<DeviceGrant, 'usedAt'>) =>
      insertGrant.run(hash, grant.userId, grant.deviceName, grant.redirectUri, grant.codeChallenge, grant.createdAt, grant.expiresAt),
    getGrant: (hash: Buffer): DeviceGrant | undefined => {
      const row = grantByHash.get(hash);
      return row
        ? { userId: row.user_id, deviceName: row.device_name, redirectUri: row.redirect_uri, codeChallenge: row.code_challenge, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at }
        : undefined;
    },
    /** Marks a code used; false when it already was. */
    useGrant: (hash: Buffer, at: string): boolean => useGrant.run(at, hash).changes === 1,
    pruneGrantsBefore: (at: string) => pruneGrants.run(at),
  };
}
