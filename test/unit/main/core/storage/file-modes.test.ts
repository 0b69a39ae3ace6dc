import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../../../../../src/main/core/workspace';
import { openStore } from '../../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../../src/main/store/migrations';
import { storageWarnings } from '../../../../../src/main/core/storage/storage-warnings';
import { tempDir } from '../../../../helpers/workspace';
import { startTestHost } from '../../../../helpers/host';
import { dispatch } from '../../../../../src/main/core/handlers';
import { exportLogs } from '../../../../../src/main/core/logs/logs-service';
import { ExportLogsInput } from '../../../../../src/shared/schemas/logs';

const mode = (path: string) => statSync(path).mode & 0o777;

let cleanups: (() => void)[] = [];
const savedUmask = process.umask();
afterEach(() => {
  process.umask(savedUmask);
  cleanups.forEach((c) => c());
  cleanups = [];
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe.skipIf(process.platform === 'win32')('data files are private whatever the umask', () => {
  it.each(['000', '002', '022', '077'])('umask %s: folder 0700; database, side files, seal, key, backup and export 0600', async (umaskText) => {
    const umask = parseInt(umaskText, 8);
    process.umask(umask);
    const dataDir = join(dir(), 'nested', 'data');
    const workspace = openWorkspace(dataDir);
    const owner = workspace.as(workspace.owner.id);
    // A write, so the WAL and -shm exist next to the database.
    workspace.store.settings.set('touch', 1);
    const job = exportLogs(owner, ExportLogsInput.parse({ format: 'csv' }));
    while (workspace.runtime.exports.status(owner, job.exportId).state === 'running') await new Promise((r) => setImmediate(r));
    expect(workspace.runtime.exports.status(owner, job.exportId).state).toBe('done');
    workspace.close();
    // Migrating an existing database first writes a VACUUM INTO backup.
    openStore(join(dataDir, 'promptdesk.db'), { migrations: [...MIGRATIONS, { version: 99990, name: 'test', sql: 'SELECT 1;' }] }).close();

    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, '..'))).toBe(0o700);
    const files = readdirSync(dataDir).filter((name) => statSync(join(dataDir, name)).isFile());
    expect(files).toEqual(expect.arrayContaining(['promptdesk.db', 'promptdesk.db-seal', 'secret.key']));
    expect(files.some((f) => f.endsWith('.bak'))).toBe(true);
    for (const name of files) expect([name, mode(join(dataDir, name))]).toEqual([name, 0o600]);
    const exported = readdirSync(join(dataDir, 'exports'));
    expect(exported).toHaveLength(1);
    expect(mode(join(dataDir, 'exports', exported[0]!))).toBe(0o600);
    expect(storageWarnings(dataDir)).toEqual([]);
  });

  it('keeps -wal and -shm 0600 while the store is open', () => {
    process.umask(0);
    const dataDir = join(dir(), 'data');
    const workspace = openWorkspace(dataDir);
    workspace.store.settings.set('touch', 1);
    expect(mode(join(dataDir, 'promptdesk.db-wal'))).toBe(0o600);
    expect(mode(join(dataDir, 'promptdesk.db-shm'))).toBe(0o600);
    workspace.close();
  });
});

describe.skipIf(process.platform === 'win32')('storageWarnings', () => {
  function privateFolder(): string {
    const dataDir = join(dir(), 'data');
    openWorkspace(dataDir).close();
    return dataDir;
  }

  it('is empty for a private folder, and on Windows (where modes do not apply)', () => {
    const dataDir = privateFolder();
    expect(storageWarnings(dataDir)).toEqual([]);
    chmodSync(dataDir, 0o777);
    expect(storageWarnings(dataDir, { platform: 'win32' })).toEqual([]);
  });

  it.each(['750', '755', '705', '770', '777', '701'])('warns about a data folder of mode %s, with the chmod that fixes it', (folderModeText) => {
    const folderMode = parseInt(folderModeText, 8);
    const dataDir = privateFolder();
    chmodSync(dataDir, folderMode);
    const warnings = storageWarnings(dataDir);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(dataDir);
    expect(warnings[0]).toContain(`chmod 700 "${dataDir}"`);
  });

  const files = ['promptdesk.db', 'promptdesk.db-seal', 'secret.key', 'promptdesk.db.before-v70-1.bak', 'promptdesk.db-wal', 'promptdesk.db-journal', 'exports/promptdesk-logs-2026-01-01T00-00-00-abcdef.csv', 'exports/.promptdesk-logs-2026-01-01T00-00-00-abcdef.csv.0a1b2c3d.partial'];
  it.each(files.flatMap((file) => ['640', '604', '644', '666'].map((fileMode) => [file, fileMode] as const)))(
    'warns about %s of mode %s',
    (file, fileModeText) => {
      const fileMode = parseInt(fileModeText, 8);
      const dataDir = privateFolder();
      const path = join(dataDir, file);
      if (file.startsWith('exports/')) mkdirSync(join(dataDir, 'exports'));
      try {
        statSync(path);
      } catch {
        writeFileSync(path, 'x', { flag: 'wx' });
      }
      chmodSync(path, fileMode);
      const warnings = storageWarnings(dataDir);
      expect(warnings).toEqual([expect.stringContaining(`chmod 600 "${path}"`)]);
    },
  );

  it('reaches the app: app:info carries the warnings, computed again on each call', async () => {
    const test = await startTestHost();
    cleanups.push(() => void test.stop());
    const info = () => dispatch(test.host.handlers, test.owner, 'app:info', {});
    expect(await info()).toMatchObject({ ok: true, value: { storageWarnings: [] } });
    chmodSync(test.host.workspace.dataDir, 0o755);
    expect(await info()).toMatchObject({ ok: true, value: { storageWarnings: [expect.stringContaining('chmod 700')] } });
  });
});
