import { vi } from 'vitest';
import type Database from 'better-sqlite3';
import type { Ctx } from '../../src/main/core/context';
import { logStats } from '../../src/main/core/logs/logs-service';
import { LogStatsInput } from '../../src/shared/schemas/logs';

/** The SQL of the statements logStats prepares on `db` for `filter` as `ctx` (only those not prepared before: use a fresh workspace for a shape). */
export function statementsOf(db: Database.Database, ctx: Ctx, filter: Record<string, unknown>): string[] {
  const prepare = vi.spyOn(db, 'prepare');
  try {
    logStats(ctx, LogStatsInput.parse(filter));
    return prepare.mock.calls.map(([sql]) => sql as string);
  } finally {
    prepare.mockRestore();
  }
}

/** `EXPLAIN QUERY PLAN` of `sql` on `db`, one detail line per step. Every parameter is bound to 1: values do not change which indexes a plan uses. */
export function planOf(db: Database.Database, sql: string): string[] {
  const params = Object.fromEntries([...sql.matchAll(/:(\w+)/g)].map(([, name]) => [name, 1]));
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
}
