import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkKindAtOpen, checkReason, checkStoreFile, openCheckOf, openStore, StoreError } from '../../../../src/main/store/open';
import { leftOpenMarkers, OPEN_MARKER_INFIX } from '../../../../src/main/store/open-markers';
import { checkRecord, readLastCheck, recordLastCheck } from '../../../../src/main/store/full-check';
import { createStore } from '../../../../src/main/store/store';
import { checkDataFolder } from '../../../../src/main/core/storage/data-check';
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
  it('unclean shutdown wins, then a last check that found damage, then a pending migration; otherwise never (property)', () => {
    const lastChecks = fc.constantFrom(null, { result: 'ok' as const, kind: 'full' as const }, { result: 'damaged' as const, kind: 'full' as const }, { result: 'damaged' as const, kind: 'quick' as const });
    fc.assert(
      fc.property(fc.nat(3), fc.boolean(), fc.boolean(), lastChecks, (left, walLeft, pending, last) => {
        const reason = checkReason(Array.from({ length: left }, (_, i) => ({ file: `m${i}`, pid: i, openedAt: null })), walLeft, pending, last);
        if (left > 0 || walLeft) expect(reason).toBe('unclean-shutdown');
        else if (last?.result === 'damaged') expect(reason).toBe('last-check-damaged');
        else expect(reason).toBe(pending ? 'migration' : null);
        // The kind that found the damage runs again (integrity_check sees what quick_check cannot).
        expect(checkKindAtOpen(last)).toBe(last?.result === 'damaged' ? last.kind : 'quick');
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

/** Who recorded the damaged result: Settings' Check now on the open store, `promptdesk check`, or a start's check (recorded by hand, as an older Promptdesk could leave it). */
const recorders: { by: string; record: (path: string) => Promise<void> }[] = [
  {
    by: 'Check now',
    record: async (path) => {
      const t = testWorkspace();
      cleanups.push(t.cleanup);
      const store = createStore(path);
      try {
        const status = await checkDataNow({ store, actor: t.owner.actor });
        expect(status.lastCheck).toMatchObject({ result: 'damaged', reason: 'on-demand', kind: 'full' });
        expect(status.lastCheck!.message).toMatch(/integrity check: .*Quit Promptdesk .*first, then restore it from a copy, or move it out/s);
      } finally {
        store.close();
      }
    },
  },
  {
    by: 'promptdesk check',
    record: async (path) => {
      const result = checkDataFolder(join(path, '..'), 'quick');
      expect(result.check).toMatchObject({ result: 'damaged', reason: 'on-demand', kind: 'quick' });
      expect(result.problem).toMatch(/\(quick check: .*It was left untouched: restore it from a copy, or move it out/s);
    },
  },
  {
    by: 'a start',
    record: async (path) => {
      recordLastCheck(path, checkRecord(path, checkStoreFile(path, 'quick'), 'unclean-shutdown'));
    },
  },
];

describe('a last check that found damage x who recorded it x the next start', () => {
  for (const { by, record } of recorders) {
    it(`recorded by ${by}: every next start checks again and refuses while damaged; once repaired it passes, records ok, and the start after skips`, async () => {
      const path = seeded();
      const healthy = readFileSync(path);
      corruptPage(path);
      // A clean folder: the damage is not looked for at open.
      expect(reopen(path)).toBeNull();
      await record(path);
      const recorded = readLastCheck(path)!;
      expect(recorded.result).toBe('damaged');
      const dir = join(path, '..');
      const before = hashFolder(dir);
      for (let attempt = 0; attempt < 2; attempt++) {
        expect(() => openStore(path)).toThrowError(/promptdesk\.db is damaged \((quick|integrity) check: .*It was left untouched/s);
        expect(hashFolder(dir)).toEqual(before);
        expect(readLastCheck(path)).toEqual(recorded);
      }
      // Restored from a copy: the start checks (the kind that found it), passes and records it.
      writeFileSync(path, healthy);
      expect(reopen(path)).toBe('last-check-damaged');
      expect(readLastCheck(path)).toMatchObject({ reason: 'last-check-damaged', kind: recorded.kind, result: 'ok', message: null });
      expect(reopen(path)).toBeNull();
    });
  }

  it('the damaged sentence names the newest upgrade backup only when one exists', () => {
    const path = seeded();
    corruptPage(path);
    const outcome = checkStoreFile(path, 'full');
    expect(checkRecord(path, outcome, 'on-demand').message).not.toMatch(/\.bak/);
    writeFileSync(`${path}.before-v12-1000.bak`, '');
    expect(checkRecord(path, outcome, 'on-demand').message).toMatch(/restore it from a copy \(promptdesk\.db\.before-v12-1000\.bak beside it was made before an upgrade\)/);
  });

  it('promptdesk check of a folder a running Promptdesk holds says to quit it first; of a closed one, that it was left untouched', () => {
    const path = seeded();
    corruptPage(path);
    // Opened before any check found the damage (a clean folder is not checked at open).
    const db = openStore(path);
    try {
      const problem = checkDataFolder(join(path, '..'), 'full').problem!;
      expect(problem).toMatch(/\(integrity check: .*\)\. Quit Promptdesk \(and any promptdesk serve using this folder\) first, then restore it from a copy/s);
      expect(problem).not.toMatch(/left untouched/);
    } finally {
      db.close();
    }
    expect(checkDataFolder(join(path, '..'), 'full').problem).toMatch(/\(integrity check: .*\)\. It was left untouched: restore it from a copy/s);
  });
});
