import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, StoreError } from '../../../../src/main/store/open';
import { MIGRATIONS, type Migration } from '../../../../src/main/store/migrations';
import { tempDir } from '../../../helpers/workspace';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function dbPath(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, 'promptdesk.db');
}

describe('openStore', () => {
  it('sets and verifies durability pragmas', () => {
    const db = openStore(dbPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('migrates an empty file to the newest schema and records each migration', () => {
    const db = openStore(dbPath());
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
  });

  it.each(MIGRATIONS.map((_, i) => i + 1))('upgrades from every earlier schema (first %i migrations)', (count) => {
    const path = dbPath();
    openStore(path, { migrations: MIGRATIONS.slice(0, count) }).close();
    const db = openStore(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
  });

  it('backs up the file before migrating, and keeps data across the migration', () => {
    const path = dbPath();
    const db = openStore(path);
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    db.close();
    const next: Migration = { version: 9990, name: 'test-add', sql: 'CREATE TABLE extra (x INTEGER) STRICT;' };
    const upgraded = openStore(path, { migrations: [...MIGRATIONS, next] });
    expect(upgraded.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: '1' });
    upgraded.close();
    const backups = readdirSync(join(path, '..')).filter((f) => f.includes('.before-v9990-'));
    expect(backups).toHaveLength(1);
    const backup = new Database(join(path, '..', backups[0]!), { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    backup.close();
  });

  it('refuses a database from a newer version and leaves it untouched', () => {
    const path = dbPath();
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99999');
    raw.close();
    const before = readFileSync(path);
    expect(() => openStore(path)).toThrowError(/newer Promptdesk/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database and never overwrites it', () => {
    const path = dbPath();
    writeFileSync(path, 'my important notes, not a database\n'.repeat(100));
    const before = readFileSync(path);
    expect(() => openStore(path)).toThrowError(StoreError);
    expect(() => openStore(path)).toThrowError(/not a Promptdesk database/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a migration edited after it was applied', () => {
    const path = dbPath();
    openStore(path).close();
    const edited = MIGRATIONS.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => openStore(path, { migrations: edited })).toThrowError(/changed after it was applied/);
  });

  it('refuses a corrupt database', () => {
    const path = dbPath();
    const db = openStore(path);
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO settings (key, value) SELECT 'k' || i, hex(randomblob(2000)) FROM n");
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    // Scribble over a middle page, keeping the header so it still looks like SQLite.
    bytes.fill(0x41, 8192, 8192 + 4096);
    writeFileSync(path, bytes);
    expect(() => openStore(path)).toThrowError(StoreError);
  });
});

describe('data migrations', () => {
  it('0030 sharing: prompts that existed before become Private, with no shares', () => {
    const path = dbPath();
    const before = openStore(path, { migrations: MIGRATIONS.filter((m) => m.version < 30) });
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    before.prepare("INSERT INTO prompts (id, name, title, owner_id, created_at, updated_at) VALUES ('p1', 'old', 'Old', 'u1', 'now', 'now')").run();
    before.close();
    const after = openStore(path);
    expect(after.prepare("SELECT sharing_level FROM prompts WHERE id = 'p1'").get()).toEqual({ sharing_level: 'private' });
    expect(after.prepare('SELECT count(*) AS n FROM prompt_shares').get()).toEqual({ n: 0 });
    after.close();
  });
});
