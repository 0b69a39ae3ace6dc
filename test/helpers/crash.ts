import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Opens the store at `dbPath` in another process, writes a setting in it, then that process kills
 * itself with SIGKILL: exactly what a crash or `kill -9` leaves in the folder (its open marker,
 * its WAL). Synchronous; throws if the child did not die by the signal.
 */
export function openAndKill(dbPath: string): void {
  const script = `
    const { openStore } = require(${JSON.stringify(join(ROOT, 'src/main/store/open.ts'))});
    const db = openStore(${JSON.stringify(dbPath)});
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('crash.before', '1')").run();
    process.kill(process.pid, 'SIGKILL');`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.signal !== 'SIGKILL') throw new Error(`the child was meant to die by SIGKILL: ${result.status} ${result.stderr}`);
}

/**
 * Opens the store at `dbPath` in another process and keeps it open until killed: a second process
 * holding the folder (`promptdesk serve` while the CLI runs). Resolves once the store is open.
 */
export function holdOpen(dbPath: string): Promise<ChildProcess> {
  const script = `
    const { openStore } = require(${JSON.stringify(join(ROOT, 'src/main/store/open.ts'))});
    openStore(${JSON.stringify(dbPath)});
    process.stdout.write('open\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
}

/** Kills `child` with SIGKILL and waits until it is gone. */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * What another SQLite client does to a folder a running Promptdesk holds (attack 14c S1): the
 * `sqlite3` shell (when installed) reads `SELECT count(*) FROM prompts` with a read/write open, then
 * a second process asks for the EXCLUSIVE lock the shell's close takes. A closing WAL connection
 * that gets that lock (no other process holds its SHARED lock on the database) checkpoints and
 * deletes the -wal. The better-sqlite3 in node_modules (SQLite 3.53) no longer takes it at close,
 * so the second process asks up front (locking_mode=EXCLUSIVE, no busy wait): SQLITE_BUSY while the
 * holder keeps its locks, and the -wal deleted at its close, like the shell, when it does not. The
 * shell runs first: after it removed a -wal, a later open would make a new one.
 */
export function foreignRead(dbPath: string): void {
  const shell = spawnSync('sqlite3', [dbPath, 'select count(*) from prompts'], { encoding: 'utf8', timeout: 30_000 });
  if (shell.error && (shell.error as NodeJS.ErrnoException).code !== 'ENOENT') throw shell.error;
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(dbPath)}, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.prepare('SELECT count(*) AS n FROM prompts').get();
    } catch (error) {
      if (error.code !== 'SQLITE_BUSY') throw error;
    } finally {
      db.close();
    }`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`the reader failed: ${result.stderr}`);
}
