import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { MIGRATIONS, type Migration } from './migrations';
import { checkSideFiles, readFileSeal } from './side-files';
import { dbFilesHeld, holdDbFiles, readDbFileAt } from './db-file-reads';
import { checkpointAndSeal } from './wal-seal';
import { ensurePrivateFile, partialPathFor } from './private-files';
import { storageErrorOf, withStorageCause } from './storage-errors';
import { clearLeftMarkers, leftOpenMarkers, openElsewhere, writeOpenMarker, type LeftMarker } from './open-markers';
import { checkRecord, damagedMessage, isCorruption, readLastCheck, recordLastCheck, runCheck, type CheckOutcome } from './full-check';
import type { DataCheck, DataCheckKind, DataCheckReason } from '../../shared/schemas/data-check';

export type Db = Database.Database;

/** Why a store could not be opened; the file is left exactly as it was. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_a_database' | 'newer_schema' | 'corrupt' | 'edited_migration' | 'pragma' | 'side_files' | 'storage',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export interface OpenStoreOptions {
  /** Migrations to apply; tests pass a prefix to build an older schema. */
  migrations?: readonly Migration[];
  /** Native binding path (the Electron build of better-sqlite3). */
  nativeBinding?: string;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

function assertSqliteFile(path: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const header = readDbFileAt(path, 0, 16);
  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new StoreError(`${path} is not a Promptdesk database (not an SQLite file); it was left untouched`, 'not_a_database');
  }
}

/**
 * The checks made with plain file reads (the file is SQLite, its side files belong to it, the
 * schema is not newer). Skipped when a connection of this process already holds the file (a second
 * open of a folder this process serves): its side files are that connection's own, and a node:fs
 * read would drop its locks (db-file-reads.ts); the schema is checked again through SQLite.
 */
function checkFileBeforeOpening(path: string, migrations: readonly Migration[]): void {
  if (dbFilesHeld(path)) return;
  assertSqliteFile(path);
  const sides = checkSideFiles(path);
  if ('message' in sides) throw new StoreError(sides.message, 'side_files');
  refuseNewerSchema(sides.userVersion, path, migrations);
}

function migrationHash(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

function pragmaValue(db: Db, name: string): unknown {
  return db.pragma(name, { simple: true });
}

/**
 * Durability settings, read back because SQLite ignores a pragma it cannot apply.
 * synchronous=FULL: in WAL mode NORMAL can lose the last acknowledged commits on power loss.
 * wal_autocheckpoint=0: the store checkpoints itself and seals each new WAL generation (wal-seal.ts).
 * journal_size_limit=0: a restarted WAL is cut to its new content, so no stale frames follow it.
 */
function configure(db: Db, path: string): void {
  const journal = path === ':memory:' ? 'memory' : 'wal';
  db.pragma(`journal_mode = ${journal.toUpperCase()}`);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 0');
  const expected: Record<string, unknown> = {
    journal_mode: journal,
    synchronous: 2,
    foreign_keys: 1,
    busy_timeout: 5000,
    wal_autocheckpoint: 0,
    journal_size_limit: 0,
  };
  for (const [name, value] of Object.entries(expected)) {
    const actual = pragmaValue(db, name);
    if (actual !== value) throw new StoreError(`PRAGMA ${name} is ${String(actual)}, expected ${String(value)}`, 'pragma');
  }
}

/** Refuses a database the check found damaged, with the sentence naming the file and what to do. */
function checkIntegrity(db: Db, path: string, kind: DataCheckKind = 'quick'): CheckOutcome {
  const outcome = runCheck(db, kind);
  if (outcome.problems.length > 0) throw new StoreError(damagedMessage(path, outcome), 'corrupt');
  return outcome;
}

function refuseNewerSchema(current: number, path: string, migrations: readonly Migration[]): void {
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new StoreError(
      `${path} was written by a newer Promptdesk (schema ${current}, this version knows ${newest}); update Promptdesk to open it`,
      'newer_schema',
    );
  }
}

/** Migrations recorded as applied; none when the table does not exist yet (reads only). */
function appliedMigrations(db: Db): { version: number; hash: string }[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  return table ? (db.prepare('SELECT version, hash FROM schema_migrations').all() as { version: number; hash: string }[]) : [];
}

/**
 * Every migration not yet applied, not only those above user_version: a number slotted in below the
 * newest (0130 after 0150 shipped) must still run on a database already at 0150. schema_migrations
 * records each applied one; a database without those records is older than it.
 */
function pendingMigrations(db: Db, migrations: readonly Migration[], applied = appliedMigrations(db)): Migration[] {
  const current = pragmaValue(db, 'user_version') as number;
  const done = new Set(applied.map((row) => row.version));
  return migrations.filter((m) => m.version > current || (done.size > 0 && !done.has(m.version)));
}

function migrate(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = pragmaValue(db, 'user_version') as number;
  const newest = migrations.at(-1)?.version ?? 0;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = appliedMigrations(db);
  for (const row of applied) {
    const known = migrations.find((m) => m.version === row.version);
    if (known && migrationHash(known) !== row.hash) {
      throw new StoreError(`Migration ${row.version} (${known.name}) changed after it was applied`, 'edited_migration');
    }
  }
  const pending = pendingMigrations(db, migrations, applied);
  if (pending.length === 0) return;

  // A copy of the data as it was, in case a migration turns out wrong in the field.
  if (current > 0 && path !== ':memory:') {
    const backup = `${path}.before-v${pending[0]!.version}-${Date.now()}.bak`;
    // VACUUM INTO fills an empty file and keeps its mode: the backup is 0600 from its first byte.
    ensurePrivateFile(backup);
    db.prepare('VACUUM INTO ?').run(backup);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, hash, applied_at) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    // Two opens of a new folder at once (two `team join`, attack 14b N6): the other one may have
    // migrated it since the reads above. Under the write lock (immediate), only what is still
    // unrecorded runs, so the second open waits for the first instead of failing "table exists".
    const recorded = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    for (const migration of pending) {
      if (recorded.has(migration.version)) continue;
      db.exec(migration.sql);
      migration.up?.(db);
      record.run(migration.version, migration.name, migrationHash(migration), new Date().toISOString());
    }
    db.pragma(`user_version = ${newest}`);
  }).immediate();
}

/**
 * A new database appears whole or not at all (attack 14b N6): it is made and migrated under a
 * name of its own beside `path`, then linked to `path`, which fails when another process (two
 * `team join` of a new folder at once) linked its own first: that one is used and this one
 * dropped. No process then sees a half-made database, or the rollback journal SQLite writes while
 * switching a new file to WAL, under the real name (which the side-file check refuses).
 */
function createWhole(path: string, options: OpenStoreOptions, migrations: readonly Migration[]): void {
  const partial = partialPathFor(path);
  ensurePrivateFile(partial);
  try {
    const db = new Database(partial, { nativeBinding: options.nativeBinding });
    try {
      configure(db, partial);
      migrate(db, partial, migrations);
    } finally {
      // The last connection to close folds the WAL into the file and removes -wal and -shm.
      db.close();
    }
    linkSync(partial, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(file, { force: true });
  }
}

function openOrRefuse(path: string, options: OpenStoreOptions, readonly: boolean): Db {
  try {
    return new Database(path, { nativeBinding: options.nativeBinding, readonly, fileMustExist: readonly });
  } catch (error) {
    const mapped = asStoreError(error, path);
    if (mapped instanceof StoreError) throw mapped;
    throw new StoreError(`Cannot open ${path}: ${(error as Error).message}`, 'not_a_database');
  }
}

function asStoreError(error: unknown, path: string): unknown {
  if (error instanceof StoreError) return error;
  // SQLite cannot name a read-only folder or a full disk at open (it cannot create or grow the -shm):
  // the file system's answer is attached as the cause.
  const cause = withStorageCause(error, path);
  // A full disk or a read-only folder: say which, with the cause kept so every door maps it the same way.
  const storage = storageErrorOf(cause);
  if (storage) return new StoreError(`Cannot open ${path}. ${storage.message}`, 'storage', { cause });
  const message = (error as Error).message;
  if (/not a database|malformed/i.test(message)) {
    return new StoreError(`${path} is not a readable Promptdesk database: ${message}`, 'not_a_database');
  }
  return error;
}

/** Why the full check ran at this open, and what it found; null reason when it did not run. */
export interface OpenCheck {
  reason: Exclude<DataCheckReason, 'on-demand'> | null;
  outcome: CheckOutcome | null;
  /** Markers of processes gone without closing the folder (open-markers.ts), cleared once the check passed. */
  left: LeftMarker[];
}

/**
 * When the full check runs at open (the one rule): after an unclean shutdown — a marker of a gone
 * process beside the database (open-markers.ts), or a -wal left with no process holding the folder
 * (a folder last opened by a Promptdesk from before the markers, or whose markers were removed) —,
 * when the last recorded check (at open, Check now or `promptdesk check`; full-check.ts readLastCheck)
 * found damage, and before a pending migration. A folder that was closed cleanly and last found
 * healthy (or never checked) opens without it.
 */
export function checkReason(
  left: readonly LeftMarker[],
  walLeft: boolean,
  migrationPending: boolean,
  lastCheck: Pick<DataCheck, 'result'> | null = null,
): OpenCheck['reason'] {
  if (left.length > 0 || walLeft) return 'unclean-shutdown';
  if (lastCheck?.result === 'damaged') return 'last-check-damaged';
  return migrationPending ? 'migration' : null;
}

/**
 * Which check runs at open: quick_check, or the kind of a last check that found damage (an index
 * only integrity_check sees would pass quick_check and be forgotten).
 */
export function checkKindAtOpen(lastCheck: Pick<DataCheck, 'result' | 'kind'> | null): DataCheckKind {
  return lastCheck?.result === 'damaged' ? lastCheck.kind : 'quick';
}

/**
 * Everything that can refuse a data folder, before anything in it is written: the file is SQLite,
 * its side files belong to it (side-files.ts), its schema is not from a newer Promptdesk, and, when
 * checkReason says so, it passes quick_check. The last two need SQLite: they run on a read-only connection, which applies
 * a WAL in memory only and cannot checkpoint it into the file when it closes (or, with no -wal and
 * no -shm, on a read-write one that removes the two it creates, so a refusal adds no file).
 */
function checkBeforeWriting(path: string, options: OpenStoreOptions, migrations: readonly Migration[]): OpenCheck {
  checkFileBeforeOpening(path, migrations);
  const left = leftOpenMarkers(path);
  if (!existsSync(path) || statSync(path).size === 0) return { reason: null, outcome: null, left };
  // A read-only connection creates the -wal and -shm it needs and leaves them behind. With neither
  // there, nothing is in a WAL to protect: a read-write one reads the same, and as the last
  // one to close it removes the two files it made (with an empty WAL it has nothing to checkpoint).
  const noSideFiles = !existsSync(`${path}-wal`) && !existsSync(`${path}-shm`);
  // The last connection to close removes the -wal: one still there with nobody holding the folder was not closed.
  const walLeft = existsSync(`${path}-wal`) && !openElsewhere(path);
  const db = openOrRefuse(path, options, !noSideFiles);
  try {
    refuseNewerSchema(pragmaValue(db, 'user_version') as number, path, migrations);
    let pending: boolean;
    try {
      pending = pendingMigrations(db, migrations).length > 0;
    } catch (error) {
      // The schema cannot be read: only the check can say what is wrong (it refuses below).
      if (!isCorruption(error)) throw error;
      pending = true;
    }
    const last = readLastCheck(path);
    const reason = checkReason(left, walLeft, pending, last);
    return { reason, outcome: reason ? checkIntegrity(db, path, checkKindAtOpen(last)) : null, left };
  } catch (error) {
    throw asStoreError(error, path);
  } finally {
    db.close();
  }
}

/**
 * The on-demand check of a data folder that may or may not be open elsewhere (`promptdesk check`):
 * the checks every open makes (SQLite file, side files, schema not newer), then the full check on
 * a connection that writes nothing (as checkBeforeWriting's). Reads only; a StoreError names the
 * file and what to do when the side files or schema refuse it, or the file cannot be read.
 *
 * @returns the check's outcome: `problems` empty means healthy
 */
export function checkStoreFile(path: string, kind: DataCheckKind, options: OpenStoreOptions = {}): CheckOutcome {
  if (!existsSync(path)) throw new StoreError(`${path} does not exist: there is no Promptdesk data to check in this folder`, 'not_a_database');
  const migrations = options.migrations ?? MIGRATIONS;
  checkFileBeforeOpening(path, migrations);
  if (statSync(path).size === 0) return { kind, problems: [], ms: 0 };
  const noSideFiles = !existsSync(`${path}-wal`) && !existsSync(`${path}-shm`);
  const db = openOrRefuse(path, options, !noSideFiles);
  try {
    refuseNewerSchema(pragmaValue(db, 'user_version') as number, path, migrations);
    return runCheck(db, kind);
  } catch (error) {
    throw asStoreError(error, path);
  } finally {
    db.close();
  }
}

/** What each open did about the full check, for the store that opened (see createStore). */
const openChecks = new WeakMap<Db, OpenCheck>();

/** Why the full check ran when `db` was opened, and its outcome (reason null: it did not run). */
export function openCheckOf(db: Db): OpenCheck | undefined {
  return openChecks.get(db);
}

/**
 * Opens (creating if needed) a Promptdesk store and brings its schema up to date.
 * Refuses, without writing a byte in the folder, a file that is not SQLite, is from a newer version,
 * whose side files (-wal, -journal) do not belong to it, or, when the full check runs (checkReason:
 * after an unclean shutdown or a check that found damage, before a migration), is damaged; the StoreError message names the file
 * and what to do. Then writes this open's marker (open-markers.ts), removed when `db.close()` is
 * called, and records the check it ran (full-check.ts). A new database file is created 0600 (its
 * side files follow).
 *
 * @example const db = openStore(join(dataDir, 'promptdesk.db'));
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const inMemory = path === ':memory:';
  let check: OpenCheck = { reason: null, outcome: null, left: [] };
  let marker: ReturnType<typeof writeOpenMarker> | null = null;
  if (!inMemory) {
    check = checkBeforeWriting(path, options, migrations);
    if (!existsSync(path)) {
      try {
        createWhole(path, options, migrations);
      } catch (error) {
        throw asStoreError(error, path);
      }
    }
    try {
      ensurePrivateFile(path);
      // Written and flushed before the first write: from here a crash leaves it for the next open.
      marker = writeOpenMarker(path);
      clearLeftMarkers(check.left);
      if (check.reason && check.outcome) recordLastCheck(path, checkRecord(path, check.outcome, check.reason));
    } catch (error) {
      marker?.remove();
      throw asStoreError(error, path);
    }
  }
  // The file's seal, read while nothing of this process holds it (see checkpointAndSeal).
  const fileSeals = inMemory || dbFilesHeld(path) ? [] : [readFileSeal(path)];
  const db = openOrRefuse(path, options, false);
  // From here until close, nothing in this process may read the files with node:fs (db-file-reads.ts).
  const release = inMemory ? () => {} : holdDbFiles(path);
  try {
    if (inMemory) {
      refuseNewerSchema(pragmaValue(db, 'user_version') as number, path, migrations);
      checkIntegrity(db, path);
    }
    configure(db, path);
    migrate(db, path, migrations);
    // Fold a recovered WAL into the file and start a generation this store has sealed.
    if (!inMemory) checkpointAndSeal(db, path, true, fileSeals);
  } catch (error) {
    db.close();
    release();
    marker?.remove();
    throw asStoreError(error, path);
  }
  if (!inMemory) {
    // Every clean close (the store's, a test's, the CLI's) clears the marker, after SQLite has
    // checkpointed and removed its WAL; a process that dies keeps it.
    const close = db.close.bind(db);
    const openMarker = marker;
    db.close = () => {
      const result = close();
      release();
      openMarker?.remove();
      return result;
    };
  }
  openChecks.set(db, check);
  return db;
}
