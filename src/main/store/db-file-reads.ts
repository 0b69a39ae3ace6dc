import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The one place that opens a database file or its side files (`-wal`, `-shm`, `-journal`) with
 * node:fs. POSIX advisory locks belong to a process and a file, and closing ANY descriptor the
 * process has on the file drops ALL of its locks on it, SQLite's included
 * (https://www.sqlite.org/howtocorrupt.html §2.2). A Promptdesk that read `promptdesk.db`'s header
 * after its connection was open lost the SHARED lock every WAL connection keeps on the database, so
 * another client closing (the `sqlite3` shell) found no other user, checkpointed and deleted the
 * -wal and -shm under the running app (attack 14c S1): a crash then lost every write since.
 *
 * So raw reads happen only before this process's SQLite opens the file: `holdDbFiles` marks a
 * database as held by a connection of this process, and every read here refuses while it is.
 * SQLite's own connections (a worker thread's too: same library, which shares one lock table per
 * file within a process) are safe to open and close beside each other; only node:fs is not.
 */

/** Databases (absolute paths) held by open SQLite connections of this process, with a count each. */
const held = new Map<string, number>();

/** The database a path belongs to: the path itself, or the database of a side file. */
function databaseOf(path: string): string {
  return resolve(path).replace(/-(wal|shm|journal)$/, '');
}

/**
 * Marks `dbPath` as held by an SQLite connection of this process until the returned release is
 * called (once; later calls do nothing). Call it as the connection opens, release after it closed.
 */
export function holdDbFiles(dbPath: string): () => void {
  const key = databaseOf(dbPath);
  held.set(key, (held.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const count = (held.get(key) ?? 1) - 1;
    if (count > 0) held.set(key, count);
    else held.delete(key);
  };
}

/** Whether a connection of this process holds the database `path` is (or is a side file of). */
export function dbFilesHeld(path: string): boolean {
  return held.has(databaseOf(path));
}

/**
 * Runs `read` on a read-only descriptor of `path` (the database or one of its side files), then
 * closes it. Throws, without opening anything, while a connection of this process holds the
 * database: closing the descriptor would drop that connection's locks.
 */
export function withDbFile<T>(path: string, read: (fd: number) => T): T {
  if (dbFilesHeld(path)) {
    throw new Error(`${path} is open in this process: reading it with node:fs would drop SQLite's locks on it (see db-file-reads.ts)`);
  }
  const fd = openSync(path, 'r');
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes of `path` from byte `position` (fewer at the end of the file); see withDbFile. */
export function readDbFileAt(path: string, position: number, length: number): Buffer {
  return withDbFile(path, (fd) => {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  });
}
