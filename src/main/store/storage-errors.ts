import type { AppErrorShape } from '../../shared/schemas/common';

/** SQLite result codes (better-sqlite3's SqliteError.code) and Node fs error codes, by meaning. */
const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

export const DISK_FULL_MESSAGE =
  'Disk full: nothing was saved. Free some space on the disk that holds the Promptdesk data folder, then try again.';
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
 * Null for anything else. Used by toErrorShape, so IPC, HTTP, the bridge and the CLI agree.
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
