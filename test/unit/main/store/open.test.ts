import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, StoreError } from '../../../../src/main/store/open';
import { MIGRATIONS, type Migration } from '../../../../src/main/store/migrations';
import { tempDir } from '../../../helpers/workspace';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { toErrorShape } from '../../../../src/main/core/errors';
import { copyFolder, hashFolder } from '../../../helpers/data-folder';
import { checkpointAndSeal, checkpointIfLarge } from '../../../../src/main/store/wal-seal';
import { createStore } from '../../../../src/main/store/store';

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

  it('refuses a corrupt database when the full check runs (here: before a migration; full-check.test.ts has the rest)', () => {
    const path = dbPath();
    const db = openStore(path, { migrations: MIGRATIONS.slice(0, -1) });
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO settings (key, value) SELECT 'k' || i, hex(randomblob(2000)) FROM n");
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    // Scribble over a middle page, keeping the header so it still looks like SQLite.
    bytes.fill(0x41, 8192, 8192 + 4096);
    writeFileSync(path, bytes);
    const dir = join(path, '..');
    const before = hashFolder(dir);
    expect(() => openStore(path)).toThrowError(StoreError);
    // Named, with what to do, and no file added: the check's connection left no -wal or -shm behind.
    expect(() => openStore(path)).toThrowError(/promptdesk\.db is damaged .*restore it from a copy/s);
    expect(hashFolder(dir)).toEqual(before);
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

describe('side files (-wal, -shm, -journal) must belong to the database', () => {
  function folder(): { dir: string; path: string } {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    return { dir, path: join(dir, 'promptdesk.db') };
  }
  function seed(db: Database.Database, tag: string, count = 20): void {
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < count; i++) insert.run(`${tag}-${i}`, `"${tag} ${'x'.repeat(300)}"`);
  }
  function keys(path: string): string[] {
    const db = openStore(path);
    const rows = db.prepare("SELECT key FROM settings WHERE key LIKE '%-%' ORDER BY key").pluck().all() as string[];
    db.close();
    return rows;
  }
  /** A store closed cleanly: no WAL, a seal file. */
  function clean(tag: string): { dir: string; path: string } {
    const f = folder();
    const db = openStore(f.path);
    seed(db, tag);
    db.close();
    return f;
  }
  /** What kill -9 leaves: the files of a store that is still open, with rows only in its WAL. */
  function crashed(tag: string, before?: (db: Database.Database, live: { dir: string; path: string }) => void) {
    const live = folder();
    const db = openStore(live.path);
    seed(db, tag);
    before?.(db, live);
    const copy = folder();
    copyFolder(live.dir, copy.dir);
    db.close();
    return copy;
  }
  function walOf(f: { path: string }): Buffer {
    return readFileSync(`${f.path}-wal`);
  }
  /** A real hot rollback journal of another database: a transaction spilled to it and not finished. */
  function foreignHotJournal(): Buffer {
    const f = folder();
    const raw = new Database(join(f.dir, 'other.db'));
    raw.pragma('cache_size = 2');
    raw.exec('CREATE TABLE t (x BLOB)');
    raw.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) INSERT INTO t SELECT randomblob(3000) FROM n");
    raw.exec('BEGIN');
    raw.exec('UPDATE t SET x = randomblob(3000)');
    const journal = readFileSync(join(f.dir, 'other.db-journal'));
    raw.exec('ROLLBACK');
    raw.close();
    return journal;
  }

  const faults: { name: string; file: RegExp; reason?: StoreError['reason']; build: () => { dir: string; path: string } }[] = [
    {
      name: 'a WAL from another database',
      file: /promptdesk\.db-wal was not written by this database/,
      build: () => {
        const other = crashed('other');
        const f = clean('mine');
        copyFolder(other.dir, f.dir, ['-wal']);
        return f;
      },
    },
    {
      name: 'a WAL and -shm from another database',
      file: /promptdesk\.db-wal was not written by this database/,
      build: () => {
        const other = crashed('other');
        const f = clean('mine');
        copyFolder(other.dir, f.dir, ['-wal', '-shm']);
        return f;
      },
    },
    {
      name: "another database's WAL, -shm and seal list (only promptdesk.db is this one)",
      file: /promptdesk\.db is older or newer than its promptdesk\.db-wal/,
      build: () => {
        const other = crashed('other');
        const f = clean('mine');
        copyFolder(other.dir, f.dir, ['-wal', '-shm', '-seal']);
        return f;
      },
    },
    {
      name: 'a WAL whose frame salts do not match its header',
      file: /promptdesk\.db-wal holds frames from another write-ahead log/,
      build: () => {
        const f = crashed('mine');
        const wal = walOf(f);
        const second = 32 + (24 + 4096);
        wal.writeUInt32BE((wal.readUInt32BE(second + 8) ^ 1) >>> 0, second + 8);
        writeFileSync(`${f.path}-wal`, wal);
        return f;
      },
    },
    {
      name: 'a WAL with another page size',
      file: /promptdesk\.db-wal belongs to another database \(page size 8192/,
      build: () => {
        const other = folder();
        const raw = new Database(other.path);
        raw.pragma('page_size = 8192');
        raw.pragma('journal_mode = WAL');
        raw.pragma('wal_autocheckpoint = 0');
        raw.exec('CREATE TABLE t (x TEXT); INSERT INTO t VALUES (1)');
        const f = clean('mine');
        copyFolder(other.dir, f.dir, ['-wal']);
        raw.close();
        return f;
      },
    },
    {
      name: 'a WAL with a damaged header',
      file: /promptdesk\.db-wal has a damaged header/,
      build: () => {
        const f = crashed('mine');
        const wal = walOf(f);
        wal.writeUInt8(wal.readUInt8(25) ^ 0xff, 25);
        writeFileSync(`${f.path}-wal`, wal);
        return f;
      },
    },
    {
      name: 'a -wal that is not a WAL',
      file: /promptdesk\.db-wal is not an SQLite write-ahead log/,
      build: () => {
        const f = clean('mine');
        writeFileSync(`${f.path}-wal`, 'notes I saved under the wrong name\n'.repeat(50));
        return f;
      },
    },
    {
      name: 'a WAL with no database beside it',
      file: /promptdesk\.db-wal has no promptdesk\.db beside it/,
      build: () => {
        const other = crashed('other');
        const f = folder();
        copyFolder(other.dir, f.dir, ['-wal', '-shm', '-seal']);
        return f;
      },
    },
    ...['-wal', '-journal', '-shm', '-seal'].map((suffix) => ({
      name: `a folder named promptdesk.db${suffix}`,
      file: new RegExp(`promptdesk\\.db${suffix} in the data folder is not a file`),
      build: () => {
        const f = crashed('mine');
        rmSync(`${f.path}${suffix}`, { force: true });
        mkdirSync(`${f.path}${suffix}`);
        writeFileSync(join(`${f.path}${suffix}`, 'inside'), 'x');
        return f;
      },
    })),
    {
      name: 'a hot rollback journal from another database',
      file: /promptdesk\.db-journal is a rollback journal/,
      build: () => {
        const f = clean('mine');
        writeFileSync(`${f.path}-journal`, foreignHotJournal());
        return f;
      },
    },
    {
      name: 'a folder copied while the app ran (database copied before a checkpoint, WAL after)',
      file: /promptdesk\.db is older or newer than its promptdesk\.db-wal/,
      build: () => {
        const copy = folder();
        crashed('early', (db, live) => {
          copyFolder(live.dir, copy.dir, ['']);
          checkpointAndSeal(db, live.path);
          seed(db, 'late');
          copyFolder(live.dir, copy.dir, ['-wal', '-shm', '-seal']);
        });
        return copy;
      },
    },
    {
      name: 'a folder copied while the app ran (WAL copied before a checkpoint, database after)',
      file: /promptdesk\.db-wal was not written by this database/,
      build: () => {
        const copy = folder();
        crashed('early', (db, live) => {
          copyFolder(live.dir, copy.dir, ['-wal', '-shm']);
          checkpointAndSeal(db, live.path);
          seed(db, 'late');
          copyFolder(live.dir, copy.dir, ['', '-seal']);
        });
        return copy;
      },
    },
    {
      name: 'a database restored from a backup next to the current WAL',
      file: /promptdesk\.db is older or newer than its promptdesk\.db-wal/,
      build: () => {
        const f = clean('before');
        const backup = readFileSync(f.path);
        const later = openStore(f.path);
        seed(later, 'after');
        later.close();
        const db = openStore(f.path);
        seed(db, 'latest');
        const copy = folder();
        copyFolder(f.dir, copy.dir, ['-wal', '-shm', '-seal']);
        writeFileSync(copy.path, backup);
        db.close();
        return copy;
      },
    },
    {
      name: 'two app versions: an older Promptdesk (no seals) left its own WAL generation',
      file: /promptdesk\.db-wal was not written by this database/,
      build: () => {
        const f = clean('mine');
        const old = new Database(f.path);
        old.prepare("INSERT INTO settings (key, value) VALUES ('old-1', '1')").run();
        const copy = folder();
        copyFolder(f.dir, copy.dir);
        old.close();
        return copy;
      },
    },
    {
      name: 'two app versions: a newer Promptdesk left its schema in the WAL',
      file: /written by a newer Promptdesk/,
      reason: 'newer_schema',
      build: () => crashed('mine', (db) => db.pragma('user_version = 99999')),
    },
  ];

  it.each(faults)('refuses $name, names the file and leaves every byte as it was', ({ build, file, reason }) => {
    const f = build();
    const before = hashFolder(f.dir);
    let error: unknown;
    try {
      openStore(f.path).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).reason).toBe(reason ?? 'side_files');
    expect((error as Error).message).toMatch(file);
    expect((error as Error).message).toMatch(/move|update|put back/i);
    expect(hashFolder(f.dir)).toEqual(before);
  });

  it('recovers a WAL left by a kill -9 of the same database', () => {
    const f = crashed('mine');
    expect(walOf(f).length).toBeGreaterThan(32);
    expect(keys(f.path)).toHaveLength(20);
  });

  it('recovers it without the -shm (SQLite rebuilds the index from the WAL)', () => {
    const f = crashed('mine');
    rmSync(`${f.path}-shm`);
    expect(keys(f.path)).toHaveLength(20);
  });

  it('recovers it across checkpoints, and with a torn last frame or a zero-filled tail', () => {
    const f = crashed('mine', (db, live) => {
      checkpointAndSeal(db, live.path);
      seed(db, 'next');
    });
    writeFileSync(`${f.path}-wal`, Buffer.concat([walOf(f), Buffer.alloc(24 + 4096), Buffer.from('torn')]));
    expect(keys(f.path)).toHaveLength(40);
  });

  it('recovers committed frames and drops a transaction the crash interrupted', () => {
    const f = crashed('mine', (db, live) => {
      db.pragma('cache_size = 2');
      db.exec('BEGIN');
      seed(db, 'unfinished', 200);
      const copy = readFileSync(`${live.path}-wal`);
      db.exec('ROLLBACK');
      writeFileSync(`${live.path}-wal`, copy);
    });
    expect(keys(f.path)).toEqual(expect.not.arrayContaining(['unfinished-0']));
    expect(keys(f.path)).toHaveLength(20);
  });

  it('opens with a stale -shm, an empty -journal or a journal whose header is zeroed', () => {
    const other = crashed('other');
    const f = clean('mine');
    copyFolder(other.dir, f.dir, ['-shm']);
    writeFileSync(`${f.path}-journal`, Buffer.alloc(0));
    expect(keys(f.path)).toHaveLength(20);
    writeFileSync(`${f.path}-journal`, Buffer.alloc(4096));
    expect(keys(f.path)).toHaveLength(20);
  });

  it('recovers after a kill -9 while a second process (the CLI) used the folder too', () => {
    const f = crashed('app', (app, live) => {
      // The CLI opens the running app's folder: the check passes, and its checkpoint starts a new generation.
      const cli = openStore(live.path);
      seed(cli, 'cli', 5);
      cli.close();
      seed(app, 'after', 5);
      checkpointIfLarge(app, live.path);
    });
    expect(keys(f.path)).toHaveLength(30);
  });

  it('recovers after a seal that could not be written (a full disk), once the store seals again', () => {
    const f = crashed('mine', (db, live) => {
      db.pragma('query_only = ON');
      expect(() => checkpointAndSeal(db, live.path)).toThrow(/readonly/);
      db.pragma('query_only = OFF');
      // Writes that fit in their page: no page-1 frame, so only a new seal can vouch for them.
      const shrink = db.prepare("UPDATE settings SET value = '1' WHERE key = ?");
      shrink.run('mine-0');
      checkpointIfLarge(db, live.path);
      shrink.run('mine-1');
    });
    const db = openStore(f.path);
    expect(db.prepare("SELECT count(*) FROM settings WHERE key IN ('mine-0', 'mine-1') AND value = '1'").pluck().get()).toBe(2);
    db.close();
  });

  it('any damaged byte in a WAL: refused with the folder untouched, or recovered intact (property)', () => {
    const template = crashed('mine');
    const walSize = walOf(template).length;
    const frameSize = 24 + 4096;
    const frames = Math.floor((walSize - 32) / frameSize);
    // Half the cases hit a frame's salts (bytes 8-15 of its header), which must always be refused.
    const saltByte = fc.tuple(fc.nat({ max: frames - 1 }), fc.integer({ min: 8, max: 15 })).map(([frame, at]) => 32 + frame * frameSize + at);
    const isSalt = (offset: number) => offset >= 32 && (offset - 32) % frameSize >= 8 && (offset - 32) % frameSize < 16;
    fc.assert(
      fc.property(fc.oneof(fc.nat({ max: walSize - 1 }), saltByte), fc.integer({ min: 1, max: 255 }), (offset, mask) => {
        const f = folder();
        copyFolder(template.dir, f.dir);
        const wal = walOf(f);
        wal.writeUInt8(wal.readUInt8(offset) ^ mask, offset);
        writeFileSync(`${f.path}-wal`, wal);
        const before = hashFolder(f.dir);
        let db: Database.Database | null = null;
        try {
          db = openStore(f.path);
        } catch (error) {
          expect(error).toBeInstanceOf(StoreError);
          expect(hashFolder(f.dir)).toEqual(before);
          return;
        }
        const integrity = db.pragma('integrity_check', { simple: true });
        db.close();
        expect(isSalt(offset)).toBe(false);
        expect(integrity).toBe('ok');
      }),
      { numRuns: 40 },
    );
  });

  it('recovers a WAL that SQLite restarted without cutting it (frames of an earlier generation follow the log), as a Promptdesk from before seals left it when killed', () => {
    const f = clean('mine');
    const raw = new Database(f.path);
    raw.pragma('application_id = 0');
    raw.close();
    rmSync(`${f.path}-seal`);
    // The older Promptdesk: SQLite's own checkpoints, no journal_size_limit.
    const old = new Database(f.path);
    seed(old, 'first', 200);
    old.pragma('wal_checkpoint(PASSIVE)');
    // The next commit restarts the log at its start (salt-1 + 1, new salt-2); the rest of the file is stale.
    seed(old, 'second', 5);
    const copy = folder();
    copyFolder(f.dir, copy.dir);
    old.close();
    const wal = walOf(copy);
    const stale = 32 + 10 * (24 + 4096);
    expect(wal.length).toBeGreaterThan(stale + 24);
    expect(wal.readUInt32BE(stale + 8)).toBe((wal.readUInt32BE(16) - 1) >>> 0);
    const rows = keys(copy.path);
    expect(rows).toHaveLength(225);
    expect(rows).toContain('second-4');
  });

  it('recovers a WAL of this database restarted without cutting it, killed in its first transaction', () => {
    const f = crashed('mine', (db, live) => {
      seed(db, 'more', 100);
      // A checkpoint that copied every frame but could not reset the log (a reader held it): the
      // next write starts over at the WAL's start, and the stale frames stay until that commit.
      db.pragma('wal_checkpoint(PASSIVE)');
      db.pragma('cache_size = 2');
      db.exec('BEGIN');
      seed(db, 'unfinished', 200);
      const torn = readFileSync(`${live.path}-wal`);
      db.exec('ROLLBACK');
      writeFileSync(`${live.path}-wal`, torn);
    });
    expect(keys(f.path)).toHaveLength(120);
  });

  it('recovers the WAL of a database from before seals (never sealed, no seal list)', () => {
    const f = clean('mine');
    const raw = new Database(f.path);
    raw.pragma('application_id = 0');
    raw.close();
    rmSync(`${f.path}-seal`);
    const old = new Database(f.path);
    old.prepare("INSERT INTO settings (key, value) VALUES ('old-1', '1')").run();
    const copy = folder();
    copyFolder(f.dir, copy.dir);
    old.close();
    expect(keys(copy.path)).toContain('old-1');
  });
});

/**
 * A folder Promptdesk may not write. Tests run as root, for whom chmod 0500 changes nothing, so the
 * folder (and its files) are made immutable with chattr +i, which stops root too; skipped where
 * chattr is not available or not allowed.
 */
function immutable(paths: string[], on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', ...paths], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const canMakeImmutable = (() => {
  const { dir, cleanup } = tempDir();
  const ok = immutable([dir], true) && immutable([dir], false);
  cleanup();
  return ok;
})();

describe.skipIf(!canMakeImmutable)('a read-only data folder', () => {
  it.each([
    ['a new workspace (no database yet)', false],
    ['an existing workspace', true],
  ])('%s: refused with "read-only", nothing created or changed', (_name, existing) => {
    const { dir, cleanup } = tempDir();
    const path = join(dir, 'promptdesk.db');
    if (existing) openStore(path).close();
    const locked = [dir, ...readdirSync(dir).map((name) => join(dir, name))];
    const before = hashFolder(dir);
    expect(immutable(locked, true)).toBe(true);
    let error: unknown;
    try {
      openStore(path).close();
    } catch (e) {
      error = e;
    } finally {
      immutable(locked, false);
    }
    try {
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).reason).toBe('storage');
      expect((error as Error).message).toMatch(/data folder is read-only: nothing was saved/);
      expect(toErrorShape(error).code).toBe('read_only_storage');
      expect(hashFolder(dir)).toEqual(before);
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!canMakeImmutable)('a data folder that becomes read-only while the store is open', () => {
  it('a write answers read_only_storage ("nothing was saved"), not a 500 for SQLite\'s "disk I/O error", and is not saved', () => {
    const { dir, cleanup } = tempDir();
    const store = createStore(join(dir, 'promptdesk.db'));
    const put = (key: string) => store.tx(() => store.db.prepare("INSERT INTO settings (key, value) VALUES (?, '1')").run(key));
    put('before');
    // Not the -shm: SQLite writes it through a shared mapping, which an immutable file answers with SIGBUS.
    const locked = [dir, ...readdirSync(dir).filter((name) => !name.endsWith('-shm')).map((name) => join(dir, name))];
    expect(immutable(locked, true)).toBe(true);
    let error: unknown;
    try {
      put('while-read-only');
    } catch (e) {
      error = e;
    } finally {
      immutable(locked, false);
    }
    try {
      expect(toErrorShape(error).code).toBe('read_only_storage');
      expect(toErrorShape(error).message).toMatch(/read-only: nothing was saved/);
      put('after');
      expect(store.db.prepare('SELECT key FROM settings WHERE key IN (?, ?, ?) ORDER BY key').pluck().all('before', 'while-read-only', 'after')).toEqual(['after', 'before']);
    } finally {
      store.close();
      cleanup();
    }
  });
});

/** A 1 MiB tmpfs (tests run as root in CI); skipped where mounting is not allowed. */
function mountSmallDisk(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const canMount = (() => {
  const { dir, cleanup } = tempDir();
  const ok = mountSmallDisk(dir);
  if (ok) execFileSync('umount', [dir]);
  cleanup();
  return ok;
})();

describe.skipIf(!canMount)('a full disk at open', () => {
  it('says "Disk full: nothing was saved" (insufficient_storage), not "disk I/O error", when SQLite cannot grow the -shm', () => {
    const { dir, cleanup } = tempDir();
    expect(mountSmallDisk(dir)).toBe(true);
    try {
      const path = join(dir, 'promptdesk.db');
      openStore(path).close();
      // Fill what is left, to the last block.
      try {
        for (let i = 0; ; i++) writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(4096));
      } catch {
        // ENOSPC: full.
      }
      let error: unknown;
      try {
        openStore(path).close();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).reason).toBe('storage');
      expect((error as Error).message).toMatch(/Disk full: nothing was saved/);
      expect(toErrorShape(error).code).toBe('insufficient_storage');
    } finally {
      execFileSync('umount', [dir]);
      cleanup();
    }
  });
});
