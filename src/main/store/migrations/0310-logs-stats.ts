import type { Migration } from './types';

/**
 * Exact latency percentiles for the Logs charts (issue 15, target 3). The charts' p50/p95 by
 * version were taken over the newest 20,000 matching runs, because a latency is only in the wide
 * row (a table lookup each, ~2 µs, two seconds for a million). This index holds the finished runs
 * sorted by (prompt name, version, latency) and carries every column a logs filter tests, so
 * the runs of one version are counted, and its p50 and p95 read with ORDER BY latency OFFSET k,
 * from index entries alone (logs-repo.ts `latencyGroups`, `latencyAt`).
 *
 * Building it on a folder with 1,000,000 logs is measured by `BENCH_STATS_MIGRATION=1 npm run
 * bench:stats` (it happens once).
 */
export const logsStats: Migration = {
  version: 310,
  name: 'logs-stats',
  sql: `
    CREATE INDEX run_logs_latency ON run_logs (prompt_name, version, latency_ms, prompt_id, started_at, status, source, model, user_id)
      WHERE latency_ms IS NOT NULL;
  `,
};
