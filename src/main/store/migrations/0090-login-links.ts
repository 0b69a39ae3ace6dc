import type { Migration } from './types';

/**
 * One-time sign-in links for the headless UI (`promptdesk users login-link`): the CLI that
 * makes a link and the server that redeems it are separate processes, so links live in the
 * database. Only a SHA-256 of each link's secret is stored.
 */
export const loginLinks: Migration = {
  version: 90,
  name: 'login-links',
  sql: `
    CREATE TABLE login_links (
      token_hash BLOB PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT
    ) STRICT;
    CREATE INDEX login_links_expiry ON login_links(expires_at);
  `,
};
