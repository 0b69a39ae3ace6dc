import type { Db } from './open';

/**
 * Memoises pure reads until the database changes: `total_changes()` moves with every write on
 * this connection (even inside a transaction, even one later rolled back) and `data_version`
 * with every commit by another connection or process. The API's hot path reads the same key,
 * member, prompt and version rows on every request; this turns those reads into map lookups.
 * Cached values are shared: callers must treat them as read-only (they already do: every
 * service maps rows into new objects).
 */
export function createReadCache(db: Db) {
  const changes = db.prepare('SELECT total_changes()').pluck();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const entries = new Map<string, unknown>();
  let generation = '';

  function fresh(): void {
    const now = `${changes.get() as number}:${dataVersion.get() as number}`;
    if (now !== generation) {
      entries.clear();
      generation = now;
    }
  }

  return {
    memo<A extends (string | number | null)[], R>(name: string, read: (...args: A) => R): (...args: A) => R {
      return (...args: A): R => {
        fresh();
        const key = `${name}\u0000${args.join('\u0000')}`;
        if (entries.has(key)) return entries.get(key) as R;
        const value = read(...args);
        if (entries.size >= 20_000) entries.clear();
        entries.set(key, value);
        return value;
      };
    },
  };
}
