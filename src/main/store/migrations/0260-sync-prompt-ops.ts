import type { Migration } from './types';

/**
 * The rest of a team prompt in the desktop's outbox (issue 14, docs/sync.md "Op kinds"): its
 * metadata, its test cases and its move from personal to team. Like migration 0240's triggers,
 * an edit and its place in the outbox are committed together (a kill -9 loses neither), and every
 * writer (the app, the HTTP API, the compat doors, the CLI) is covered by construction.
 *
 * - `sync_applying`: holds a row only inside the transaction that applies the server's data
 *   (core/sync/replica-apply.ts), so these triggers can tell the replica's writes from a local
 *   edit. SQLite commits one writer at a time, so no local edit ever sees the row.
 * - `sync_prompt_edits`: one row per team prompt whose metadata changed here ('update', with the
 *   values the server had when it was first edited here: the op's `base`), or that was moved
 *   here from personal and is not yet on the server ('create'). `rev` counts edits, so an edit
 *   made while its op is in flight is not lost when the answer arrives.
 * - `sync_test_case_edits`: one row per test case made, changed or deleted here (base: what the
 *   server had, NULL for one made here).
 * - `sync_authors`: on any store, who last changed a prompt's metadata field or test case, so a
 *   refused edit can name who changed what (core/sync/sync-authors.ts).
 */
const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
  || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOT_APPLYING = 'NOT EXISTS (SELECT 1 FROM sync_applying)';
const TEAM = (row: string) => `(SELECT team_id FROM prompts WHERE id = ${row}.prompt_id) IS NOT NULL`;
const META = (row: string) =>
  `json_object('title', ${row}.title, 'description', ${row}.description, 'tags', json(${row}.tags), 'slashCommand', ${row}.slash_command, 'dataLogging', ${row}.data_logging)`;
const CASE = (row: string) => `json_object('name', ${row}.name, 'variables', json(${row}.variables))`;
const caseEdit = (row: string, base: string, deleted: 0 | 1) => `
  INSERT INTO sync_test_case_edits (test_case_id, prompt_id, op_id, base, rev, deleted) VALUES (${row}.id, ${row}.prompt_id, ${UUID}, ${base}, 1, ${deleted})
    ON CONFLICT (test_case_id) DO UPDATE SET rev = rev + 1, deleted = ${deleted};`;

export const syncPromptOps: Migration = {
  version: 260,
  name: 'sync-prompt-ops',
  sql: `
    CREATE TABLE sync_applying (id INTEGER PRIMARY KEY CHECK (id = 1)) STRICT;
    CREATE TABLE sync_prompt_edits (
      prompt_id TEXT PRIMARY KEY,
      op_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('create', 'update')),
      base TEXT NOT NULL,
      rev INTEGER NOT NULL DEFAULT 1
    ) STRICT;
    CREATE TABLE sync_test_case_edits (
      test_case_id TEXT PRIMARY KEY,
      prompt_id TEXT NOT NULL,
      op_id TEXT NOT NULL,
      base TEXT,
      rev INTEGER NOT NULL DEFAULT 1,
      deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
    ) STRICT;
    CREATE INDEX sync_test_case_edits_prompt ON sync_test_case_edits (prompt_id);
    CREATE TABLE sync_authors (
      prompt_id TEXT NOT NULL,
      item TEXT NOT NULL,
      user_id TEXT NOT NULL,
      at TEXT NOT NULL,
      PRIMARY KEY (prompt_id, item)
    ) STRICT, WITHOUT ROWID;

    CREATE TRIGGER sync_prompt_meta_edit AFTER UPDATE ON prompts
    WHEN NEW.team_id IS NOT NULL AND OLD.team_id IS NOT NULL AND ${NOT_APPLYING}
      AND (OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description OR OLD.tags IS NOT NEW.tags
        OR OLD.slash_command IS NOT NEW.slash_command OR OLD.data_logging IS NOT NEW.data_logging) BEGIN
      INSERT INTO sync_prompt_edits (prompt_id, op_id, kind, base, rev) VALUES (NEW.id, ${UUID}, 'update', ${META('OLD')}, 1)
        ON CONFLICT (prompt_id) DO UPDATE SET rev = rev + 1;
    END;
    CREATE TRIGGER sync_test_case_made AFTER INSERT ON test_cases WHEN ${TEAM('NEW')} AND ${NOT_APPLYING} BEGIN
      ${caseEdit('NEW', 'NULL', 0)}
    END;
    CREATE TRIGGER sync_test_case_changed AFTER UPDATE ON test_cases
    WHEN ${TEAM('NEW')} AND ${NOT_APPLYING} AND (OLD.name IS NOT NEW.name OR OLD.variables IS NOT NEW.variables) BEGIN
      ${caseEdit('NEW', CASE('OLD'), 0)}
    END;
    CREATE TRIGGER sync_test_case_deleted AFTER DELETE ON test_cases WHEN ${TEAM('OLD')} AND ${NOT_APPLYING} BEGIN
      ${caseEdit('OLD', CASE('OLD'), 1)}
    END;
    CREATE TRIGGER sync_prompt_edits_gone AFTER DELETE ON prompts BEGIN
      DELETE FROM sync_prompt_edits WHERE prompt_id = OLD.id;
      DELETE FROM sync_test_case_edits WHERE prompt_id = OLD.id;
    END;
  `,
};
