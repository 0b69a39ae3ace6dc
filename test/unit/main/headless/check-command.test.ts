import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { readLastCheck } from '../../../../src/main/store/full-check';
import { hashFolder } from '../../../helpers/data-folder';
import { openAndKill } from '../../../helpers/crash';
import { tempDir } from '../../../helpers/workspace';
import { cliEntry } from '../../../helpers/cli-entry';

const ROOT = join(__dirname, '../../../..');
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

/** `promptdesk check` as users run it, in its own process. */
function check(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...cliEntry(), 'check', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A data folder with a database of a few hundred pages, closed cleanly. */
function folder(): { dir: string; path: string } {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const path = join(dir, 'promptdesk.db');
  const db = openStore(path);
  db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO settings (key, value) SELECT 'k' || i, hex(randomblob(2000)) FROM n");
  db.close();
  return { dir, path };
}

describe('promptdesk check --data-dir DIR', () => {
  it('healthy: prints what it checked, exit 0, and records the check (full, on-demand)', () => {
    const f = folder();
    const result = check('--data-dir', f.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Checking ${f.path}`);
    expect(result.stdout).toMatch(/side files \(-wal, -journal, -seal\) belong to it/);
    expect(result.stdout).toMatch(/integrity_check \(every page, record and index\): ok/);
    expect(result.stdout).toMatch(/Healthy/);
    expect(readLastCheck(f.path)).toMatchObject({ kind: 'full', reason: 'on-demand', result: 'ok' });
    // --quick runs quick_check instead.
    expect(check('--data-dir', f.dir, '--quick').stdout).toMatch(/quick_check \(every page and record\): ok/);
    expect(readLastCheck(f.path)).toMatchObject({ kind: 'quick', reason: 'on-demand' });
  });

  it('healthy after a kill -9 too (the WAL is read, not written)', () => {
    const f = folder();
    openAndKill(f.path);
    const wal = readFileSync(`${f.path}-wal`);
    const result = check('--data-dir', f.dir);
    expect(result.status).toBe(0);
    expect(readFileSync(`${f.path}-wal`).equals(wal)).toBe(true);
  });

  it('a damaged page (full and --quick): exit 1, one sentence naming the file, the check that ran and what to do; the result is recorded, nothing else changed; the next open checks and refuses', () => {
    const f = folder();
    const bytes = readFileSync(f.path);
    bytes.fill(0x41, 8192, 8192 + 4096);
    writeFileSync(f.path, bytes);
    const data = () => Object.fromEntries(Object.entries(hashFolder(f.dir)).filter(([name]) => !name.endsWith('-check')));
    const before = data();
    for (const [args, kind, line, named] of [
      [[], 'full', /integrity_check .*: damaged/, /\(integrity check: /],
      [['--quick'], 'quick', /quick_check .*: damaged/, /\(quick check: /],
    ] as const) {
      const result = check('--data-dir', f.dir, ...args);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(line);
      expect(result.stderr).toMatch(/promptdesk: .*promptdesk\.db is damaged .*It was left untouched: restore it from a copy, or move it out of the folder/s);
      expect(result.stderr).toMatch(named);
      // No upgrade backup beside it: none is pointed to.
      expect(result.stderr).not.toMatch(/\.bak/);
      expect(readLastCheck(f.path)).toMatchObject({ kind, reason: 'on-demand', result: 'damaged' });
      expect(data()).toEqual(before);
    }
    expect(() => openStore(f.path)).toThrowError(/promptdesk\.db is damaged \(quick check: /);
    expect(data()).toEqual(before);
  });

  it('a side file of another database: exit 1 naming promptdesk.db-wal, nothing changed', () => {
    const mine = folder();
    const other = folder();
    openAndKill(other.path);
    copyFileSync(`${other.path}-wal`, `${mine.path}-wal`);
    const before = hashFolder(mine.dir);
    const result = check('--data-dir', mine.dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/promptdesk: promptdesk\.db-wal was not written by this database.*move promptdesk\.db-wal out of the folder/s);
    expect(result.stdout).not.toMatch(/Healthy/);
    // Nothing is said to have passed before the refusal.
    expect(result.stdout).not.toMatch(/belong to it/);
    expect(hashFolder(mine.dir)).toEqual(before);
  });

  it('no database in the folder: exit 1 saying so; no --data-dir: usage, exit 2', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const result = check('--data-dir', dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/promptdesk\.db does not exist/);
    expect(result.stdout).not.toMatch(/belong to it/);
    expect(existsSync(join(dir, 'promptdesk.db'))).toBe(false);
    // A missing folder: the same, and it is not created.
    const missing = check('--data-dir', join(dir, 'missing'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/promptdesk\.db does not exist/);
    expect(missing.stdout).not.toMatch(/belong to it/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    // A plain file: said in a sentence, not a raw ENOTDIR, and left untouched.
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    const plain = check('--data-dir', file);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toBe(`promptdesk: ${file} is a file, not a folder: --data-dir takes the folder that holds promptdesk.db (the file was left untouched)\n`);
    expect(readFileSync(file, 'utf8')).toBe('x');
    const usage = check();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--data-dir is required/);
  });
});
