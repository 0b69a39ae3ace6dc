import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

/** Why a store could not be opened; the file is left exactly as it was. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_a_database' | 'newer_schema' | 'corrupt' | 'edited_migration' | 'pragma',
  ) {
    super(message);
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
 */
function configure(db: Db, path: string): void {
  const journal = path === ':memory:' ? 'memory' : 'wal';
  db.pragma(`journal_mode = ${journal.toUpperCase()}`);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const expected: Record<string, unknown> = { journal_mode: journal, synchronous: 2, foreign_keys: 1, busy_timeout: 5000 };
  for (const [name, value] of Object.entries(expected)) {
    const actual = pragmaValue(db, name);
    if (actual !== value) throw new StoreError(`PRAGMA ${name} is ${String(actual)}, expected ${String(value)}`, 'pragma');
  }
}

function checkIntegrity(db: Db): void {
  const result = pragmaValue(db, 'quick_check');
  if (result !== 'ok') throw new StoreError(`Database integrity check failed: ${String(result)}`, 'corrupt');
}

function refuseNewerSchema(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = pragmaValue(db, 'user_version') as number;
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
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;

  // A copy of the data as it was, in case a migration turns out wrong in the field.
  if (current > 0 && path !== ':memory:') {
    const backup = `${path}.before-v${pending[0]!.version}-${Date.now()}.bak`;
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

/**
 * Opens (creating if needed) a Promptdesk store and brings its schema up to date.
 * Refuses, without writing, a file that is not SQLite, is corrupt, or is from a newer version.
 *
 * @example const db = openStore(join(dataDir, 'promptdesk.db'));
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  if (path !== ':memory:') assertSqliteFile(path);
  let db: Db;
  try {
    db = new Database(path, { nativeBinding: options.nativeBinding });
  } catch (error) {
    throw new StoreError(`Cannot open ${path}: ${(error as Error).message}`, 'not_a_database');
  }
  try {
    // Read-only checks first, so a refused file is never modified.
    const migrations = options.migrations ?? MIGRATIONS;
    refuseNewerSchema(db, path, migrations);
    checkIntegrity(db);
    configure(db, path);
    migrate(db, path, migrations);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const message = (error as Error).message;
    if (/not a database|malformed/i.test(message)) {
      throw new StoreError(`${path} is not a readable Promptdesk database: ${message}`, 'not_a_database');
    }
    throw error;
  }
}
