import type { Migration } from './types';

export const initial: Migration = {
  version: 10,
  name: 'initial',
  sql: `
    CREATE TABLE users (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL UNIQUE COLLATE NOCASE,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
      is_active INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      label TEXT NOT NULL,
      prefix TEXT NOT NULL UNIQUE,
      hash BLOB NOT NULL,
      created_at TEXT NOT NULL,
      last_used_at TEXT,
      revoked_at TEXT
    ) STRICT;

    CREATE TABLE prompts (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      title TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      tags TEXT NOT NULL DEFAULT '[]',
      slash_command TEXT UNIQUE,
      owner_id TEXT NOT NULL REFERENCES users(id),
      latest_version INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX prompts_updated ON prompts(updated_at DESC, name);
    CREATE INDEX prompts_created ON prompts(created_at DESC, name);
    CREATE INDEX prompts_title ON prompts(title COLLATE NOCASE, name);
    CREATE INDEX prompts_name ON prompts(name);
    CREATE INDEX prompts_owner ON prompts(owner_id);

    CREATE TABLE prompt_tags (
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      tag TEXT NOT NULL,
      PRIMARY KEY (tag, prompt_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE prompt_versions (
      id TEXT PRIMARY KEY,
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      number INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
      template TEXT NOT NULL,
      variables TEXT NOT NULL DEFAULT '[]',
      model_settings TEXT NOT NULL DEFAULT '{"models":[]}',
      display_message TEXT,
      commit_message TEXT NOT NULL DEFAULT '',
      author_id TEXT NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      UNIQUE (prompt_id, number)
    ) STRICT;

    -- Search index over the library; rows are kept in step by the prompts service.
    -- Prefix indexes keep short search-as-you-type prefixes fast ("re" matches many terms).
    CREATE VIRTUAL TABLE prompts_fts USING fts5(
      name, title, description, tags, template,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '1 2 3'
    );

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
};
