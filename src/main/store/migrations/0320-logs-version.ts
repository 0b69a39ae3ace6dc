import type { Migration } from './types';

/**
 * Logs statistics filtered by version alone (issue 15, target 3, round 2). No index led with
 * version (run_logs_prompt_version needs the prompt first), so a version filter walked the time
 * index and looked up the wide row (~2 µs) of every run: 0.3-0.9 s for `version=2` over 1,000,000
 * logs. This index leads with version, then started_at (so one version is one range per day, in
 * time order), and carries every column a logs filter or a member's visibility tests, so the
 * per-day counts and the latency sample read index entries only (logs-repo.ts `INDEXES`).
 *
 * Additive: 0310 had already run on folders. Its time on a 1,000,000-log folder is printed by
 * `BENCH_STATS_MIGRATION=only npm run bench:stats`.
 */
export const logsVersion: Migration = {
  version: 320,
  name: 'logs-version',
  sql: `
    CREATE INDEX run_logs_version ON run_logs (version, started_at, status, prompt_id, source, model, user_id);
  `,
};
