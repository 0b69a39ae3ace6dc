import type { Migration } from './types';

/** Sharing levels per prompt and shares with named members. Existing prompts become Private. */
export const sharing: Migration = {
  version: 30,
  name: 'sharing',
  sql: `
    ALTER TABLE prompts ADD COLUMN sharing_level TEXT NOT NULL DEFAULT 'private'
      CHECK (sharing_level IN ('private', 'chat_only', 'library_view', 'library_edit'));
    CREATE INDEX prompts_sharing_level ON prompts(sharing_level);

    CREATE TABLE prompt_shares (
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      permission TEXT NOT NULL CHECK (permission IN ('view', 'run', 'edit')),
      created_by TEXT NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      PRIMARY KEY (prompt_id, user_id)
    ) STRICT;
    CREATE INDEX prompt_shares_user ON prompt_shares(user_id);
  `,
};
