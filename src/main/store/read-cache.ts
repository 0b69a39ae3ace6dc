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
  const entries = new Map<string, unknown>();
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
    memo<A extends (string | number | null)[], R>(name: string, read: (...args: A) => R): (...args: A) => R {
      return (...args: A): R => {
        if (inTransaction > 0 || db.inTransaction) return read(...args);
        fresh();
        const key = `${name}\u0000${args.join('\u0000')}`;
        if (entries.has(key)) return entries.get(key) as R;
        const value = read(...args);
        if (entries.size >= 20_000) entries.clear();
        entries.set(key, value);
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
