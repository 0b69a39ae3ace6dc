import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, checkStoreFile } from '../../../../src/main/store/open';
import { dbFilesHeld, holdDbFiles, readDbFileAt } from '../../../../src/main/store/db-file-reads';
import { checkpointAndSeal, checkpointIfLarge } from '../../../../src/main/store/wal-seal';
import { runCheckInWorker } from '../../../../src/main/store/full-check';
import { checkSideFiles } from '../../../../src/main/store/side-files';
import { tempDir } from '../../../helpers/workspace';
import { foreignRead } from '../../../helpers/crash';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function folder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, 'promptdesk.db');
}

function sideFiles(path: string): { wal: boolean; shm: boolean } {
  return { wal: existsSync(`${path}-wal`), shm: existsSync(`${path}-shm`) };
}

describe('db-file-reads: no node:fs read of a database this process holds (attack 14c S1)', () => {
  it('refuses the database and each side file while a store is open, by any spelling of the path; reads again after close', () => {
    const path = folder();
    const db = openStore(path);
    const spellings = [path, `${path}-wal`, `${path}-shm`, `${path}-journal`, join(path, '..', '.', 'promptdesk.db')];
    for (const file of spellings) {
      expect(() => readDbFileAt(file, 0, 16), file).toThrow(/open in this process/);
    }
    // A file of another name beside it is not the database's.
    expect(dbFilesHeld(`${path}-seal`)).toBe(false);
    db.close();
    expect(dbFilesHeld(path)).toBe(false);
    expect(readDbFileAt(path, 0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
  });

  it('holds are counted: the file stays held until the last holder releases; a release twice counts once', () => {
    const path = folder();
    const first = holdDbFiles(path);
    const second = holdDbFiles(path);
    first();
    first();
    expect(dbFilesHeld(path)).toBe(true);
    second();
    expect(dbFilesHeld(path)).toBe(false);
  });

  it('the side-file check refuses rather than read a held database (it runs only before opening)', () => {
    const path = folder();
    const db = openStore(path);
    try {
      expect(() => checkSideFiles(path)).toThrow(/open in this process/);
    } finally {
      db.close();
    }
  });

  it('after each in-process operation on the open store, another process cannot take the lock that deletes the WAL', async () => {
    const path = folder();
    const db = openStore(path);
    try {
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('s1.before', '1');
      const steps: [string, () => unknown][] = [
        ['open and write', () => undefined],
        ['periodic checkpoint and seal (no wait)', () => checkpointAndSeal(db, path, false)],
        ['checkpoint if large', () => checkpointIfLarge(db, path)],
        ['Check now (worker thread connection)', () => runCheckInWorker(path, 'full')],
        ['promptdesk check in this process', () => checkStoreFile(path, 'quick')],
        ['a second store on the folder, opened and closed', () => openStore(path).close()],
      ];
      for (const [name, step] of steps) {
        await step();
        db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(`s1.${name}`, '1');
        foreignRead(path);
        expect({ name, ...sideFiles(path) }).toEqual({ name, wal: true, shm: true });
      }
      expect(dbFilesHeld(path)).toBe(true);
    } finally {
      db.close();
    }
  }, 120_000);
});
