import type { Migration } from './types';

/**
 * The team server (issue 14): invites, members' passwords, cookie sessions of the web UI,
 * desktops' device tokens and the one-time codes a desktop exchanges for one (RFC 8252 + PKCE).
 * Only hashes of invite codes, session ids, device tokens and authorization codes are stored;
 * passwords as scrypt hashes carrying their parameters (core/team/passwords.ts).
 */
export const team: Migration = {
  version: 220,
  name: 'team',
  sql: `
    CREATE TABLE team_invites (
      id TEXT PRIMARY KEY,
      code_hash BLOB NOT NULL UNIQUE,
      email TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
      invited_by TEXT NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT,
      revoked_at TEXT,
      user_id TEXT REFERENCES users(id)
    ) STRICT;
    CREATE TABLE member_passwords (
      user_id TEXT PRIMARY KEY REFERENCES users(id),
      hash TEXT NOT NULL,
      changed_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE team_sessions (
      id_hash BLOB PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      csrf_token TEXT NOT NULL,
      created_at TEXT NOT NULL,
      used_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX team_sessions_user ON team_sessions(user_id);
    CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      name TEXT NOT NULL,
      token_hash BLOB NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      last_seen_at TEXT,
      revoked_at TEXT
    ) STRICT;
    CREATE INDEX devices_user ON devices(user_id);
    CREATE TABLE device_grants (
      code_hash BLOB PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      device_name TEXT NOT NULL,
      redirect_uri TEXT NOT NULL,
      code_challenge TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT
    ) STRICT;
  `,
};
