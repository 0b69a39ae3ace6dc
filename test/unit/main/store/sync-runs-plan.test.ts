import { afterEach, expect, it, vi } from 'vitest';
import { testWorkspace } from '../../../helpers/workspace';
import { syncServerRepo } from '../../../../src/main/store/repos/sync-server-repo';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

// A pull page of runs must cost the page, not the log: bench:team found each page reading every
// run of every visible prompt through the prompt_id index and sorting them all by seq.
it('a pull page of runs walks the log by seq from the cursor and never sorts the log', () => {
  const { workspace, cleanup } = testWorkspace();
  cleanups.push(cleanup);
  const db = workspace.store.db;
  const prepare = vi.spyOn(db, 'prepare');
  syncServerRepo(db);
  const runQueries = prepare.mock.calls.map(([sql]) => sql as string).filter((sql) => /FROM run_logs l/.test(sql));
  vi.restoreAllMocks();
  expect(runQueries).toHaveLength(2);
  for (const sql of runQueries) {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ cursor: 0, limit: 10, viewer: 'someone' }) as { detail: string }[]).map((row) => row.detail);
    expect(plan, sql).toContain('SEARCH l USING INTEGER PRIMARY KEY (rowid>?)');
    expect(plan.some((detail) => detail.includes('TEMP B-TREE FOR ORDER BY')), sql).toBe(false);
  }
});
