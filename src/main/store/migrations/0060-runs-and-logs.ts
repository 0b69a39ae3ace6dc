import type { Migration } from './types';

/**
 * Model providers, the execution log and saved test cases.
 *
 * Logs outlive prompts and members (a team lead reviews what ran), so they carry the prompt's
 * name and no foreign keys. Times are integer milliseconds: every filter and chart ranges over
 * them, and integer comparisons keep the million-row indexes small. Text columns are NULL
 * unless the prompt logged in full; the FTS index is fed only from those rows.
 */
export const runsAndLogs: Migration = {
  version: 60,
  name: 'runs-and-logs',
  sql: `
    CREATE TABLE integrations (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      kind TEXT NOT NULL CHECK (kind IN ('openai-compatible', 'anthropic')),
      base_url TEXT NOT NULL,
      api_key BLOB,
      api_key_hint TEXT,
      models TEXT NOT NULL DEFAULT '[]',
      access TEXT NOT NULL DEFAULT 'everyone' CHECK (access IN ('everyone', 'selected')),
      created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE TABLE integration_members (
      integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      PRIMARY KEY (integration_id, user_id)
    ) WITHOUT ROWID;

    ALTER TABLE prompts ADD COLUMN data_logging TEXT NOT NULL DEFAULT 'full'
      CHECK (data_logging IN ('full', 'metadata', 'none'));

    CREATE TABLE run_logs (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      prompt_id TEXT,
      prompt_name TEXT NOT NULL,
      version INTEGER,
      source TEXT NOT NULL,
      user_id TEXT,
      key_label TEXT,
      model TEXT NOT NULL,
      status TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      latency_ms INTEGER,
      ttft_ms INTEGER,
      tokens_in INTEGER,
      tokens_out INTEGER,
      data_logging TEXT NOT NULL,
      variable_names TEXT,
      variables TEXT,
      messages TEXT,
      output TEXT,
      output_chars INTEGER,
      error TEXT,
      rating TEXT,
      rating_comment TEXT,
      conversation_id TEXT
    );
    -- Every index is (lead, started_at, status, ...): one lead value is walked newest first for a
    -- page, a day is one range of it, and the columns after started_at let counts test the
    -- other filters from the index instead of looking up each wide row (~2 us a row: seconds
    -- over a million logs). Prompt and member carry the most (a member's view of the logs is
    -- split along them). logs-repo.ts names the index each query walks.
    CREATE INDEX run_logs_started ON run_logs (started_at, status);
    CREATE INDEX run_logs_prompt ON run_logs (prompt_id, started_at, status, source, model, user_id);
    CREATE INDEX run_logs_prompt_version ON run_logs (prompt_id, version, started_at, status);
    CREATE INDEX run_logs_source ON run_logs (source, started_at, status, model);
    CREATE INDEX run_logs_status ON run_logs (status, started_at);
    CREATE INDEX run_logs_user ON run_logs (user_id, started_at, status, prompt_id, source, model);
    CREATE INDEX run_logs_model ON run_logs (model, started_at, status, source);
    -- Prefix indexes, as for the library: the search takes every word as a prefix, and without
    -- them FTS5 merges the list of every term starting with "re" into memory before the first
    -- row (over a second for a one-letter prefix in a million logs, blocking the main process).
    CREATE VIRTUAL TABLE run_logs_fts USING fts5(variables, output, content='run_logs', content_rowid='seq', prefix='1 2 3');

    CREATE TABLE test_cases (
      id TEXT PRIMARY KEY,
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      variables TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (prompt_id, name)
    );
  `,
};
