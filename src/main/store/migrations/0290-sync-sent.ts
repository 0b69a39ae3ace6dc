import type { Migration } from './types';

/**
 * The team server's fixes from the outside check of issue 14 (docs/sync.md "Removals", "Push").
 *
 * - `sync_sent`: which prompts the server has sent to each member's replica (a snapshot in a
 *   pull), so a `removed` entry goes only to a member whose replica may hold the prompt; a member
 *   who never could see it receives nothing about it (hidden = missing). `removed_seq` is the seq
 *   of the first removal sent since the prompt was last sent: a pull from a cursor at or past it
 *   has applied that removal already, so later changes of the hidden prompt say nothing more.
 * - `sync_ops.content_hash`: a hash of an op's content, so the same op id arriving with other
 *   content is refused instead of silently answered with the first one's result.
 *
 * Replicas pulled before this migration may hold any prompt: on a folder that has served a pull
 * (`sync.team_id` is set), every member counts as having been sent every prompt, which costs them
 * at most one removal each of a prompt they could never see (the old behaviour, once).
 */
export const syncSent: Migration = {
  version: 290,
  name: 'sync-sent',
  sql: `
    CREATE TABLE sync_sent (
      user_id TEXT NOT NULL,
      prompt_id TEXT NOT NULL,
      removed_seq INTEGER,
      PRIMARY KEY (user_id, prompt_id)
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE sync_ops ADD COLUMN content_hash TEXT;
    INSERT INTO sync_sent (user_id, prompt_id)
      SELECT u.id, p.id FROM users u CROSS JOIN (SELECT id FROM prompts UNION SELECT prompt_id FROM sync_tombstones) p
      WHERE EXISTS (SELECT 1 FROM settings WHERE key = 'sync.team_id');
  `,
};
