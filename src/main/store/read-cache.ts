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

/** A memoised read's argument: a table key. */
type Key = string | number | null;

export function createReadCache(db: Db, now: () => number = Date.now) {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  // One table per memoised read, keyed by its argument (two arguments: a table per first argument;
  // more: joined): no key string is built per read on the API's hot path. `size` counts them all.
  const tables: Map<Key, unknown>[] = [];
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

  /** Whether reads must go to the database: inside a transaction, through `around` or opened on `db` directly. */
  const bypassed = () => inTransaction > 0 || db.inTransaction;

  /** Keeps `value` in `table` under `key` and returns it (bounded: past 20,000 entries everything is dropped first). */
  function keep<R>(table: Map<Key, unknown>, key: Key, value: R): R {
    if (size >= 20_000) entries.clear();
    table.set(key, value);
    size++;
    return value;
  }

  return {
    memo<A extends Key[], R>(_name: string, read: (...args: A) => R): (...args: A) => R {
      const table = new Map<Key, unknown>();
      // The calls with another number of arguments than the read declares (`any`) have their own.
      const anyTable = new Map<Key, unknown>();
      tables.push(table, anyTable);
      const any = (...args: A): R => {
        if (bypassed()) return read(...args);
        fresh();
        const key = args.length === 1 ? args[0]! : args.join('\u0000');
        const hit = anyTable.get(key);
        if (hit !== undefined || anyTable.has(key)) return hit as R;
        return keep(anyTable, key, read(...args));
      };
      // The reads every API request repeats take one argument or two: each gets its own function,
      // without a rest array per call, and two arguments key a table per first argument rather
      // than a joined string. Called with another number of arguments (a read with an optional
      // one), they hand over to `any`.
      if (read.length === 1) {
        const one = read as unknown as (a: Key) => R;
        return function memoOne(a: Key): R {
          // eslint-disable-next-line prefer-rest-params -- arguments.length allocates nothing, a rest array would
          if (arguments.length !== 1) return any(...(Array.from(arguments) as A));
          if (bypassed()) return one(a);
          fresh();
          const hit = table.get(a);
          if (hit !== undefined || table.has(a)) return hit as R;
          return keep(table, a, one(a));
        } as unknown as (...args: A) => R;
      }
      if (read.length === 2) {
        const two = read as unknown as (a: Key, b: Key) => R;
        return function memoTwo(a: Key, b: Key): R {
          // eslint-disable-next-line prefer-rest-params -- as above
          if (arguments.length !== 2) return any(...(Array.from(arguments) as A));
          if (bypassed()) return two(a, b);
          fresh();
          // The inner tables live in `table`, so clearing it drops them; only their entries count in `size`.
          let inner = table.get(a) as Map<Key, unknown> | undefined;
          if (!inner) table.set(a, (inner = new Map()));
          const hit = inner.get(b);
          if (hit !== undefined || inner.has(b)) return hit as R;
          return keep(inner, b, two(a, b));
        } as unknown as (...args: A) => R;
      }
      return any;
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
