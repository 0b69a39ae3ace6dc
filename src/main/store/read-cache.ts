import type { Db } from './open';

/**
 * Memoises pure reads until the database changes. Reads inside a transaction always go to the
 * database (they must see the transaction's own writes) and every transaction clears the cache;
 * so does the one write made outside a transaction (a key's last-used time, via `clear`).
 * Commits by other processes (the CLI, a second window) show in `data_version`, checked at most
 * every EXTERNAL_CHECK_MS: running a statement per read would cost more than the read it saves.
 * Cached values are shared: callers must treat them as read-only (every service maps rows into
 * new objects).
 */
export const EXTERNAL_CHECK_MS = 50;

export function createReadCache(db: Db, now: () => number = Date.now) {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  // One table per memoised read, keyed by its argument (or its arguments joined): no key string is
  // built per read for the one-argument reads every API request repeats. `size` counts them all.
  const tables: Map<string | number | null, unknown>[] = [];
  let size = 0;
  const entries = {
    clear(): void {
      for (const table of tables) table.clear();
      size = 0;
    },
  };
  let seenVersion = dataVersion.get() as number;
  let checkedAt = now();
  let inTransaction = 0;

  function fresh(): void {
    const time = now();
    if (time - checkedAt < EXTERNAL_CHECK_MS) return;
    checkedAt = time;
    const version = dataVersion.get() as number;
    if (version !== seenVersion) {
      entries.clear();
      seenVersion = version;
    }
  }

  return {
    memo<A extends (string | number | null)[], R>(_name: string, read: (...args: A) => R): (...args: A) => R {
      const table = new Map<string | number | null, unknown>();
      tables.push(table);
      return (...args: A): R => {
        if (inTransaction > 0 || db.inTransaction) return read(...args);
        fresh();
        const key = args.length === 1 ? args[0]! : args.join('\u0000');
        const hit = table.get(key);
        if (hit !== undefined || table.has(key)) return hit as R;
        const value = read(...args);
        if (size >= 20_000) entries.clear();
        table.set(key, value);
        size++;
        return value;
      };
    },
    /** Runs `fn` with the cache bypassed, then drops everything cached. */
    around<T>(fn: () => T): T {
      inTransaction++;
      try {
        return fn();
      } finally {
        inTransaction--;
        entries.clear();
      }
    },
    /** Drops everything cached (after a write made outside a transaction). */
    clear(): void {
      entries.clear();
    },
  };
}
