import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppErrorShape } from '../../shared/schemas/common';

/** SQLite result codes (better-sqlite3's SqliteError.code) and Node fs error codes, by meaning. */
const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

export const DISK_FULL_MESSAGE =
  'Disk full: nothing was saved. Free some space on the disk that holds the Promptdesk data folder, then try again.';
export const DAMAGED_MESSAGE =
  'The database file is damaged, so this could not be read or saved: run promptdesk check --data-dir <data folder> (or Settings → Data check) to see what is wrong and what to do.';
export const READ_ONLY_MESSAGE =
  'The Promptdesk data folder is read-only: nothing was saved. Make the folder and its files writable by you (or move it to a writable disk), then try again.';

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * The storage failure inside `error` (or its `cause` chain) as the error every door answers with:
 * a full disk or quota (SQLITE_FULL, ENOSPC, EDQUOT) is `insufficient_storage`, a folder that cannot
 * be written (SQLITE_READONLY and its extended codes, EROFS, EACCES, EPERM) is `read_only_storage`;
 * both say nothing was saved (SQLite rolls the statement back; exports remove their partial file).
 * Null for anything else (a damaged file: damagedErrorOf). Used by toErrorShape, so IPC, HTTP, the bridge and the CLI agree.
 *
 * @example storageErrorOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))?.code // 'insufficient_storage'
 */
export function storageErrorOf(error: unknown): AppErrorShape | null {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = codeOf(current);
    if (!code) continue;
    if (DISK_FULL.has(code)) return { code: 'insufficient_storage', message: DISK_FULL_MESSAGE };
    if (code.startsWith('SQLITE_READONLY') || READ_ONLY.has(code)) return { code: 'read_only_storage', message: READ_ONLY_MESSAGE };
  }
  return null;
}

/**
 * A damaged database file inside `error` (or its `cause` chain) as the error every door answers
 * with: SQLITE_CORRUPT and its extended codes (SQLITE_CORRUPT_VTAB from a search index, …) and
 * SQLITE_NOTADB, met by a read or a write (SQLite rolls a write back), are `data_damaged` (500),
 * pointing to `promptdesk check`. Null for anything else. Used by toErrorShape and the CLI.
 *
 * @example damagedErrorOf(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT_VTAB' }))?.code // 'data_damaged'
 */
export function damagedErrorOf(error: unknown): AppErrorShape | null {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = codeOf(current);
    if (code && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) return { code: 'data_damaged', message: DAMAGED_MESSAGE };
  }
  return null;
}

/** Below this much free space, an I/O error SQLite cannot name is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * What the file system says about a failed SQLite call on `dbPath`, when SQLite itself cannot say:
 * it answers SQLITE_CANTOPEN when it cannot create the -shm or -wal, and SQLITE_IOERR_* ("disk I/O
 * error") for a write refused by a read-only mount or an immutable file (EROFS, EPERM) and for a -shm
 * it cannot grow on a full disk. Returns an error with the file system's code (EROFS/EACCES/EPERM
 * when the folder, database or WAL cannot be written, ENOSPC when the disk has under 1 MiB free),
 * for storageErrorOf to map; null when the files are writable and there is space (a real I/O error).
 */
export function storageCauseAt(dbPath: string): Error | null {
  for (const path of [dirname(dbPath), dbPath, `${dbPath}-wal`]) {
    if (!existsSync(path)) continue;
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      if (READ_ONLY.has(codeOf(error) ?? '')) return error as Error;
    }
  }
  try {
    const { bavail, bsize } = statfsSync(dirname(dbPath));
    if (bavail * bsize < NEARLY_FULL_BYTES) return Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  } catch {
    // No answer from the file system: keep SQLite's error.
  }
  return null;
}

/**
 * `error` with the file system's cause attached when it is an SQLite error that cannot name a full
 * disk or read-only folder itself (SQLITE_CANTOPEN, SQLITE_IOERR_*), so every door maps it through
 * storageErrorOf; any other error is returned as it is.
 */
export function withStorageCause(error: unknown, dbPath: string): unknown {
  const code = codeOf(error);
  if (!code || !(code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_IOERR')) || storageErrorOf(error)) return error;
  const cause = storageCauseAt(dbPath);
  if (cause && error instanceof Error && error.cause === undefined) Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  return error;
}
