import type { Migration } from './types';

/** Promotion with history, committed (read-only) versions, and API deployment pinning. */
export const versionsLifecycle: Migration = {
  version: 20,
  name: 'versions-lifecycle',
  sql: `
    ALTER TABLE prompt_versions ADD COLUMN committed_at TEXT;
    ALTER TABLE prompt_versions ADD COLUMN updated_at TEXT;
    ALTER TABLE prompts ADD COLUMN pinned_version INTEGER;

    -- The version list reads only this index: the template column precedes the listed ones, and
    -- reaching past a 20 KB template means walking its overflow pages for every row.
    CREATE INDEX prompt_versions_list ON prompt_versions(prompt_id, number DESC, status, committed_at, author_id, created_at, commit_message);

    -- At most one published version per prompt, whatever the code above it does.
    CREATE UNIQUE INDEX prompt_versions_one_published ON prompt_versions(prompt_id) WHERE status = 'published';

    CREATE TABLE promotions (
      id TEXT PRIMARY KEY,
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      previous_version INTEGER,
      promoted_by TEXT NOT NULL REFERENCES users(id),
      promoted_at TEXT NOT NULL,
      notes TEXT NOT NULL DEFAULT '',
      seq INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX promotions_chain ON promotions(prompt_id, seq);
  `,
};
