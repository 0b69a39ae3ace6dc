import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkReason, checkStoreFile, openCheckOf, openStore, StoreError } from '../../../../src/main/store/open';
import { leftOpenMarkers, OPEN_MARKER_INFIX } from '../../../../src/main/store/open-markers';
import { readLastCheck } from '../../../../src/main/store/full-check';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { hashFolder } from '../../../helpers/data-folder';
import { holdOpen, kill9, openAndKill } from '../../../helpers/crash';
import { member, tempDir, testWorkspace } from '../../../helpers/workspace';
import { checkDataNow, dataCheckStatus } from '../../../../src/main/core/storage/data-check';

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

/** A store with some pages, closed cleanly. */
function seeded(path = dbPath(), migrations = MIGRATIONS): string {
  const db = openStore(path, { migrations });
  db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO settings (key, value) SELECT 'k' || i, hex(randomblob(2000)) FROM n");
  db.close();
  return path;
}

/** Scribbles over a middle page of the database file, keeping its header. */
function corruptPage(path: string): void {
  const bytes = readFileSync(path);
  bytes.fill(0x41, 8192, 8192 + 4096);
  writeFileSync(path, bytes);
}

const markers = (path: string) => readdirSync(join(path, '..')).filter((name) => name.includes(OPEN_MARKER_INFIX));

/** Opens and closes; answers why the check ran at that open (null: it did not). */
function reopen(path: string, migrations = MIGRATIONS): string | null {
  const db = openStore(path, { migrations });
  const reason = openCheckOf(db)?.reason ?? null;
  db.close();
  return reason;
}

describe('when the full check runs at open (checkReason)', () => {
  it('unclean shutdown wins, then a pending migration; otherwise never (property)', () => {
    fc.assert(
      fc.property(fc.nat(3), fc.boolean(), fc.boolean(), (left, walLeft, pending) => {
        const reason = checkReason(Array.from({ length: left }, (_, i) => ({ file: `m${i}`, pid: i, openedAt: null })), walLeft, pending);
        if (left > 0 || walLeft) expect(reason).toBe('unclean-shutdown');
        else expect(reason).toBe(pending ? 'migration' : null);
      }),
    );
  });
});

describe('clean close / kill -9 / migration x the check runs or not', () => {
  it('a clean close: the next open runs no check and records none; the marker is gone', () => {
    const path = seeded();
    expect(markers(path)).toEqual([]);
    expect(reopen(path)).toBeNull();
    expect(reopen(path)).toBeNull();
    expect(readLastCheck(path)).toBeNull();
  });

  it('an open store has exactly one marker, removed by its close', () => {
    const path = seeded();
    const db = openStore(path);
    expect(markers(path)).toHaveLength(1);
    db.close();
    expect(markers(path)).toEqual([]);
  });

  it('a kill -9: the next open runs the quick check (unclean-shutdown), records it, and the one after does not', () => {
    const path = seeded();
    openAndKill(path);
    expect(leftOpenMarkers(path)).toHaveLength(1);
    expect(reopen(path)).toBe('unclean-shutdown');
    expect(readLastCheck(path)).toMatchObject({ reason: 'unclean-shutdown', kind: 'quick', result: 'ok', message: null });
    expect(markers(path)).toEqual([]);
    const first = readLastCheck(path)!.at;
    expect(reopen(path)).toBeNull();
    expect(readLastCheck(path)!.at).toBe(first);
  });

  it('a kill -9 with nothing else done, then a damaged page: refused, named, with nothing changed, on every try', () => {
    const path = seeded();
    openAndKill(path);
    corruptPage(path);
    const dir = join(path, '..');
    // The -shm is SQLite's index of the WAL, no data: any reader of a WAL database rebuilds it.
    const data = () => Object.fromEntries(Object.entries(hashFolder(dir)).filter(([name]) => !name.endsWith('-shm')));
    const before = data();
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['promptdesk.db', 'promptdesk.db-wal', 'promptdesk.db-seal']));
    for (let attempt = 0; attempt < 2; attempt++) {
      let error: unknown;
      try {
        openStore(path).close();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).reason).toBe('corrupt');
      expect((error as Error).message).toMatch(/promptdesk\.db is damaged .*restore it from a copy/s);
      // Never skipped: the marker stays until a check passes, and no byte of data changed.
      expect(data()).toEqual(before);
      expect(leftOpenMarkers(path)).toHaveLength(1);
    }
  });

  it('a WAL left with no process holding the folder (a folder from before markers) counts as unclean', () => {
    const path = seeded();
    openAndKill(path);
    for (const name of markers(path)) writeFileSync(join(path, '..', name), ''); // unreadable marker: still left
    expect(reopen(path)).toBe('unclean-shutdown');
    openAndKill(path);
    for (const name of markers(path)) rmSync(join(path, '..', name));
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(reopen(path)).toBe('unclean-shutdown');
  });

  it('a migration pending: the check runs first (reason migration); a damaged file is refused before migrating, unchanged', () => {
    const older = MIGRATIONS.slice(0, -1);
    const path = seeded(dbPath(), older);
    expect(reopen(path)).toBe('migration');
    expect(readLastCheck(path)).toMatchObject({ reason: 'migration', kind: 'quick', result: 'ok' });
    expect(reopen(path)).toBeNull();

    const damaged = seeded(dbPath(), older);
    corruptPage(damaged);
    const before = hashFolder(join(damaged, '..'));
    expect(() => openStore(damaged)).toThrowError(/promptdesk\.db is damaged/);
    expect(hashFolder(join(damaged, '..'))).toEqual(before);
  });

  it('a damaged page in a cleanly closed folder is not looked for at open; promptdesk check finds it', () => {
    const path = seeded();
    corruptPage(path);
    expect(checkStoreFile(path, 'quick').problems.length).toBeGreaterThan(0);
    expect(checkStoreFile(path, 'full').problems.length).toBeGreaterThan(0);
  });

  it('two processes: a live holder is not a crash; once it is killed -9, the next open checks', async () => {
    const path = seeded();
    const holder = await holdOpen(path);
    try {
      expect(leftOpenMarkers(path)).toEqual([]);
      expect(reopen(path)).toBeNull();
      // The holder's marker survives the other process's clean close.
      expect(markers(path)).toHaveLength(1);
    } finally {
      await kill9(holder);
    }
    expect(reopen(path)).toBe('unclean-shutdown');
    expect(reopen(path)).toBeNull();
  });
});

describe('on demand (storage:checkNow)', () => {
  it('runs the full check off the main thread, records it, and is admins only', async () => {
    const t = testWorkspace();
    cleanups.push(t.cleanup);
    const path = t.workspace.store.path;
    const bob = member(t.owner, 'bob@example.com');
    expect(() => dataCheckStatus(bob)).toThrow();
    await expect(checkDataNow(bob)).rejects.toThrow();
    expect(readLastCheck(path)).toBeNull();

    const pending = checkDataNow(t.owner);
    expect(dataCheckStatus(t.owner).running).toBe(true);
    const status = await pending;
    expect(status).toMatchObject({ running: false, lastCheck: { reason: 'on-demand', kind: 'full', result: 'ok', message: null } });
    expect(readLastCheck(path)).toEqual(status.lastCheck);
  });
});
