import type { Migration } from './types';

/**
 * The deployment readiness checklist (seed 000 "Checklist before org-wide deployment", issue 12).
 *
 * - `readiness_ticks`: the manual confirmations (edge cases, clear naming, access levels), one per
 *   prompt and item, with who ticked it, when, and the version it was ticked for. Promoting a new
 *   version deletes them in the promotion's transaction (core/versions/lifecycle.ts).
 * - `prompts.data_logging_set_by/_at`: who chose the data-logging level and when, so "left at the
 *   default unseen" can be told from "chosen deliberately"; NULL for prompts nobody set it on.
 * - `run_logs.test_case_id`: the saved test case a test run used (its values matched the case's
 *   exactly when the run started), so "this version has successful runs on its test cases" holds
 *   whatever the data-logging level keeps of the values themselves.
 * - Two partial indexes keep the checklist's log reads to the few rows they count (useful ratings,
 *   successful test-case runs) even with a million logs.
 */
export const readiness: Migration = {
  version: 150,
  name: 'readiness',
  sql: `
    CREATE TABLE readiness_ticks (
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      item TEXT NOT NULL CHECK (item IN ('edge_cases', 'clear_naming', 'access_levels')),
      user_id TEXT NOT NULL REFERENCES users(id),
      version INTEGER,
      ticked_at TEXT NOT NULL,
      PRIMARY KEY (prompt_id, item)
    ) STRICT, WITHOUT ROWID;

    ALTER TABLE prompts ADD COLUMN data_logging_set_by TEXT REFERENCES users(id);
    ALTER TABLE prompts ADD COLUMN data_logging_set_at TEXT;

    ALTER TABLE run_logs ADD COLUMN test_case_id TEXT;
    CREATE INDEX run_logs_useful ON run_logs (prompt_id, version, user_id) WHERE rating = 'useful';
    CREATE INDEX run_logs_test_cases ON run_logs (prompt_id, version, test_case_id)
      WHERE test_case_id IS NOT NULL AND status = 'success';
  `,
};
