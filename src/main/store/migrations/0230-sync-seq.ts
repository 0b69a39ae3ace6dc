import type { Migration } from './types';

/**
 * The sync protocol's server sequence (issue 14, docs/sync.md): one counter for the whole data
 * folder (`sync_clock`), and the value it had when each prompt or member last changed.
 *
 * Why a counter fed by triggers rather than the `changes` table: `changes` keeps only the newest
 * 10,000 rows, so a fresh replica could not start from it; a prompt's `sync_seq` is kept for as
 * long as the prompt. Why per prompt rather than per row: a pull answers whole prompt snapshots
 * (with all versions, promotions, shares and test cases), so the replica never has to merge
 * partial rows, and a member who gains access receives everything at once. Any write to a
 * prompt or its children bumps the prompt; every writer (services, compat doors, the CLI) is
 * covered by construction, and the bump is part of its write's transaction. SQLite commits one
 * writer at a time, so seq order is commit order: no clock is involved.
 *
 * A member's role or active flag changing changes what they may see, so it bumps every prompt
 * (rare; one UPDATE). Every seq is given to one row only, so a page boundary never falls between equals. A deleted prompt leaves a tombstone so replicas remove it. Push ops are
 * kept by id with their result (`sync_ops`), so a retried op answers what it answered first.
 */
const BUMP = `UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;`;
const NEXT = `(SELECT seq FROM sync_clock WHERE id = 1)`;
const bumpPrompt = (expr: string) => `${BUMP} UPDATE prompts SET sync_seq = ${NEXT} WHERE id = ${expr};`;

/** INSERT/UPDATE/DELETE triggers on a table whose rows belong to a prompt (prompt_id). */
function childTriggers(table: string): string {
  return ['INSERT', 'UPDATE', 'DELETE']
    .map((op) => {
      const row = op === 'DELETE' ? 'OLD' : 'NEW';
      return `CREATE TRIGGER sync_${table}_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN ${bumpPrompt(`${row}.prompt_id`)} END;`;
    })
    .join('\n');
}

export const syncSeq: Migration = {
  version: 230,
  name: 'sync-seq',
  sql: `
    CREATE TABLE sync_clock (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL) STRICT;
    INSERT INTO sync_clock (id, seq) VALUES (1, 0);

    ALTER TABLE prompts ADD COLUMN sync_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN sync_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX prompts_sync_seq ON prompts (sync_seq);
    CREATE INDEX users_sync_seq ON users (sync_seq);

    CREATE TABLE sync_tombstones (prompt_id TEXT PRIMARY KEY, sync_seq INTEGER NOT NULL) STRICT;
    CREATE INDEX sync_tombstones_seq ON sync_tombstones (sync_seq);

    CREATE TABLE sync_ops (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      result TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT;

    -- Existing rows get a place in the sequence, in a stable order.
    UPDATE users SET sync_seq = rowid;
    UPDATE prompts SET sync_seq = (SELECT count(*) FROM users) + rowid;
    UPDATE sync_clock SET seq = (SELECT count(*) FROM users) + coalesce((SELECT max(rowid) FROM prompts), 0);

    CREATE TRIGGER sync_prompts_insert AFTER INSERT ON prompts BEGIN ${bumpPrompt('NEW.id')} END;
    -- Not for the bump itself (recursive triggers are off, and the WHEN says so anyway).
    CREATE TRIGGER sync_prompts_update AFTER UPDATE ON prompts WHEN OLD.sync_seq IS NEW.sync_seq BEGIN ${bumpPrompt('NEW.id')} END;
    CREATE TRIGGER sync_prompts_delete AFTER DELETE ON prompts BEGIN
      ${BUMP}
      INSERT INTO sync_tombstones (prompt_id, sync_seq) VALUES (OLD.id, ${NEXT})
        ON CONFLICT (prompt_id) DO UPDATE SET sync_seq = excluded.sync_seq;
    END;
    -- A prompt created again under a reused id (a replica re-inserting one) is no longer deleted.
    CREATE TRIGGER sync_tombstone_clear AFTER INSERT ON prompts BEGIN DELETE FROM sync_tombstones WHERE prompt_id = NEW.id; END;

    ${childTriggers('prompt_versions')}
    ${childTriggers('prompt_shares')}
    ${childTriggers('test_cases')}
    CREATE TRIGGER sync_promotions_insert AFTER INSERT ON promotions BEGIN ${bumpPrompt('NEW.prompt_id')} END;

    CREATE TRIGGER sync_users_insert AFTER INSERT ON users BEGIN
      ${BUMP} UPDATE users SET sync_seq = ${NEXT} WHERE id = NEW.id;
    END;
    CREATE TRIGGER sync_users_update AFTER UPDATE ON users WHEN OLD.sync_seq IS NEW.sync_seq
      AND (OLD.email IS NOT NEW.email OR OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role OR OLD.is_active IS NOT NEW.is_active) BEGIN
      ${BUMP} UPDATE users SET sync_seq = ${NEXT} WHERE id = NEW.id;
    END;
    -- What a member may see follows their role and whether they are active: every prompt is re-sent.
    -- Each prompt gets its own number (clock + rowid), so paging by seq never cuts between equals.
    CREATE TRIGGER sync_users_access AFTER UPDATE ON users WHEN OLD.role IS NOT NEW.role OR OLD.is_active IS NOT NEW.is_active BEGIN
      UPDATE prompts SET sync_seq = ${NEXT} + rowid;
      UPDATE sync_clock SET seq = seq + coalesce((SELECT max(rowid) FROM prompts), 0) + 1 WHERE id = 1;
    END;
  `,
};
