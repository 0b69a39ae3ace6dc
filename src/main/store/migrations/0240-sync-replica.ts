import type { Migration } from './types';

/**
 * The desktop side of the sync (issue 14, docs/sync.md): a team replica in the same store as the
 * personal workspace, so every feature works on team prompts offline unchanged.
 *
 * - `prompts.team_id`: the team server a prompt is replicated from; NULL for a personal prompt.
 * - `sync_state` on versions, promotions and run logs: 'synced' (the server's), 'pending' (made
 *   here, not yet acknowledged), NULL (a personal prompt's). The triggers below mark a row made
 *   locally on a team prompt pending in the same transaction that writes it, so the outbox is the
 *   set of pending rows: a save and its place in the queue are committed together and survive a
 *   kill -9. A pulled row is written with 'synced' and is left alone.
 * - `sync_notices`: what the sync tells the member (a promotion refused, a personal prompt renamed).
 */
const markPending = (table: string, promptColumn: string) => `
    CREATE TRIGGER sync_pending_${table} AFTER INSERT ON ${table}
    WHEN NEW.sync_state IS NULL AND (SELECT team_id FROM prompts WHERE id = NEW.${promptColumn}) IS NOT NULL BEGIN
      UPDATE ${table} SET sync_state = 'pending' WHERE rowid = NEW.rowid;
    END;`;

export const syncReplica: Migration = {
  version: 240,
  name: 'sync-replica',
  sql: `
    ALTER TABLE prompts ADD COLUMN team_id TEXT;
    ALTER TABLE prompt_versions ADD COLUMN sync_state TEXT CHECK (sync_state IN ('pending', 'synced'));
    ALTER TABLE promotions ADD COLUMN sync_state TEXT CHECK (sync_state IN ('pending', 'synced'));
    ALTER TABLE run_logs ADD COLUMN sync_state TEXT CHECK (sync_state IN ('pending', 'synced'));
    CREATE INDEX prompts_team ON prompts (team_id) WHERE team_id IS NOT NULL;
    CREATE INDEX prompt_versions_sync_pending ON prompt_versions (prompt_id, number) WHERE sync_state = 'pending';
    CREATE INDEX promotions_sync_pending ON promotions (prompt_id, seq) WHERE sync_state = 'pending';
    CREATE INDEX run_logs_sync_pending ON run_logs (seq) WHERE sync_state = 'pending';

    CREATE TABLE sync_notices (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      prompt_id TEXT,
      message TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '{}',
      at TEXT NOT NULL
    ) STRICT;
    ${markPending('prompt_versions', 'prompt_id')}
    ${markPending('promotions', 'prompt_id')}
    ${markPending('run_logs', 'prompt_id')}
  `,
};
