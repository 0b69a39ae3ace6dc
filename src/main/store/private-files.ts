import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Files only their owner may read: the data folder is 0700 and what Promptdesk writes in it (the
 * database and its side files, backups, exports) 0600. Modes are set with chmod after creating,
 * so the result does not depend on the process umask. Windows has no POSIX modes (the user's
 * profile ACLs apply), so chmod there only toggles read-only and is skipped.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
export const HAS_POSIX_MODES = process.platform !== 'win32';

/** Sets `mode` where POSIX modes exist; a no-op on Windows. */
export function chmodPrivate(path: string, mode = PRIVATE_FILE_MODE): void {
  if (HAS_POSIX_MODES) chmodSync(path, mode);
}

/**
 * Creates `dir` (and missing parents) 0700. A folder that already exists keeps its mode: the start
 * check warns about it instead of changing a folder the user chose.
 */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is masked by the umask; chmod is not. Only the folders created here are changed.
  for (let path = dir; first && path.length >= first.length; path = dirname(path)) {
    chmodPrivate(path, PRIVATE_DIR_MODE);
    if (path === first) break;
  }
}

/**
 * Creates an empty `path` 0600 if it does not exist. SQLite accepts an empty file as a new database
 * and creates `-wal`, `-shm` and `-journal` with the database file's mode, so they are 0600 too.
 */
export function ensurePrivateFile(path: string): void {
  if (existsSync(path)) return;
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    // Another process created it between the check and the open (two opens of a new data folder
    // at once, attack 14b N6): it exists, as asked, and its creator sets the mode.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  chmodPrivate(path);
}

/** A name beside `path` for a file still being written (same folder, so rename is atomic). */
export function partialPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
}

/** For a name {@link partialPathFor} made, the name of the file it becomes; null for any other name. */
export function finalNameOf(partialName: string): string | null {
  return /^\.(.+)\.[0-9a-f]{8}\.partial$/.exec(partialName)?.[1] ?? null;
}

/**
 * Writes `data` to `path` all or nothing: into a 0600 temporary beside it, flushed to disk, then
 * renamed over `path` (and the folder flushed). A crash leaves the old file or the new one, never
 * half of one.
 */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const partial = partialPathFor(path);
  const fd = openSync(partial, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  chmodPrivate(partial);
  renameSync(partial, path);
  syncFolder(dirname(path));
}

/** Flushes a folder's entries (a rename) to disk; POSIX only, as Windows cannot open a folder for it. */
export function syncFolder(dir: string): void {
  if (!HAS_POSIX_MODES) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
