import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { MIGRATIONS, type Migration } from './migrations';
import { checkSideFiles } from './side-files';
import { checkpointAndSeal } from './wal-seal';
import { ensurePrivateFile } from './private-files';
import { storageErrorOf, withStorageCause } from './storage-errors';

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
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    if (header.toString('latin1') !== SQLITE_HEADER) {
      throw new StoreError(`${path} is not a Promptdesk database (not an SQLite file); it was left untouched`, 'not_a_database');
    }
  } finally {
    closeSync(fd);
  }
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

function checkIntegrity(db: Db, path: string): void {
  const result = pragmaValue(db, 'quick_check');
  if (result !== 'ok') {
    throw new StoreError(
      `${path} is damaged (integrity check: ${String(result)}). It was left untouched: restore it from a copy ` +
        `(the .bak files beside it were made before each upgrade), or move it out of the folder to start empty.`,
      'corrupt',
    );
  }
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

function migrate(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = pragmaValue(db, 'user_version') as number;
  const newest = migrations.at(-1)?.version ?? 0;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare('SELECT version, hash FROM schema_migrations').all() as { version: number; hash: string }[];
  for (const row of applied) {
    const known = migrations.find((m) => m.version === row.version);
    if (known && migrationHash(known) !== row.hash) {
      throw new StoreError(`Migration ${row.version} (${known.name}) changed after it was applied`, 'edited_migration');
    }
  }
  // Every migration not yet applied, not only those above user_version: a number slotted in
  // below the newest (0130 after 0150 shipped) must still run on a database already at 0150.
  // schema_migrations records each applied one; a database without those records is older than it.
  const done = new Set(applied.map((row) => row.version));
  const pending = migrations.filter((m) => m.version > current || (done.size > 0 && !done.has(m.version)));
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
    for (const migration of pending) {
      db.exec(migration.sql);
      migration.up?.(db);
      record.run(migration.version, migration.name, migrationHash(migration), new Date().toISOString());
    }
    db.pragma(`user_version = ${newest}`);
  })();
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

/**
 * Everything that can refuse a data folder, before anything in it is written: the file is SQLite,
 * its side files belong to it (side-files.ts), its schema is not from a newer Promptdesk, and it
 * passes quick_check. The last two need SQLite: they run on a read-only connection, which applies
 * a WAL in memory only and cannot checkpoint it into the file when it closes (or, with no -wal and
 * no -shm, on a read-write one that removes the two it creates, so a refusal adds no file).
 */
function checkBeforeWriting(path: string, options: OpenStoreOptions, migrations: readonly Migration[]): void {
  assertSqliteFile(path);
  const sides = checkSideFiles(path);
  if ('message' in sides) throw new StoreError(sides.message, 'side_files');
  refuseNewerSchema(sides.userVersion, path, migrations);
  if (!existsSync(path) || statSync(path).size === 0) return;
  // A read-only connection creates the -wal and -shm it needs and leaves them behind. With neither
  // there, nothing is in a WAL to protect: a read-write connection reads the same, and as the last
  // one to close it removes the two files it made (with an empty WAL it has nothing to checkpoint).
  const noSideFiles = !existsSync(`${path}-wal`) && !existsSync(`${path}-shm`);
  const db = openOrRefuse(path, options, !noSideFiles);
  try {
    refuseNewerSchema(pragmaValue(db, 'user_version') as number, path, migrations);
    checkIntegrity(db, path);
  } catch (error) {
    throw asStoreError(error, path);
  } finally {
    db.close();
  }
}

/**
 * Opens (creating if needed) a Promptdesk store and brings its schema up to date.
 * Refuses, without writing a byte in the folder, a file that is not SQLite, is corrupt, is from a
 * newer version, or whose side files (-wal, -journal) do not belong to it; the StoreError message
 * names the file and what to do. A new database file is created 0600 (its side files follow).
 *
 * @example const db = openStore(join(dataDir, 'promptdesk.db'));
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const inMemory = path === ':memory:';
  if (!inMemory) {
    checkBeforeWriting(path, options, migrations);
    try {
      ensurePrivateFile(path);
    } catch (error) {
      throw asStoreError(error, path);
    }
  }
  const db = openOrRefuse(path, options, false);
  try {
    if (inMemory) {
      refuseNewerSchema(pragmaValue(db, 'user_version') as number, path, migrations);
      checkIntegrity(db, path);
    }
    configure(db, path);
    migrate(db, path, migrations);
    // Fold a recovered WAL into the file and start a generation this store has sealed.
    if (!inMemory) checkpointAndSeal(db, path);
    return db;
  } catch (error) {
    db.close();
    throw asStoreError(error, path);
  }
}
