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
