import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../helpers/workspace';
import { serveProcess, type ServeProcess } from '../../../helpers/serve-process';
import { http } from '../../../helpers/http';
import { foreignRead, kill9 } from '../../../helpers/crash';

/**
 * Attack 14c S1: another SQLite reader (the `sqlite3` shell, read/write open) of a folder a running
 * Promptdesk holds must not find itself the last user and remove the -wal and -shm. It does when
 * the Promptdesk process has lost its POSIX locks on the database, which happens when ANY file
 * descriptor of the process on promptdesk.db is closed (https://www.sqlite.org/howtocorrupt.html
 * §2.2). The shell is emulated by another process (helpers/crash.ts foreignRead); CI may have no
 * sqlite3 binary.
 */

const ROOT = join(__dirname, '../../../..');
const dir = tempDir();
const dbPath = join(dir.dir, 'promptdesk.db');
afterAll(() => dir.cleanup());

const serve = () => serveProcess(dir.dir);

async function call(served: ServeProcess, channel: string, input: unknown = {}): Promise<unknown> {
  const res = await http(served.port, 'POST', `/bridge/${channel}`, {
    headers: { 'content-type': 'application/json', 'x-promptdesk-session': served.session },
    body: JSON.stringify(input),
  });
  const body = res.json() as { ok: boolean; value?: unknown; error?: unknown };
  expect({ channel, status: res.status, ok: body.ok, error: body.error }).toEqual({ channel, status: 200, ok: true, error: undefined });
  return body.value;
}

/** Prompts in the folder, read as a plain read/write SQLite client would (recovering a WAL left by a crash). */
function countPrompts(): number {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(dbPath)});
    process.stdout.write(String(db.prepare('SELECT count(*) AS n FROM prompts').get().n));
    db.close();`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`the count failed: ${result.stderr}`);
  return Number(result.stdout);
}

function sideFiles(): { wal: boolean; shm: boolean } {
  return { wal: existsSync(`${dbPath}-wal`), shm: existsSync(`${dbPath}-shm`) };
}

describe('another process reading a running folder (attack 14c S1)', () => {
  it('after start, writes, Check now, status and exact stats, a read/write reader leaves -wal and -shm; kill -9 loses no acknowledged write', async () => {
    const served = await serve();
    let created = 0;
    const create = async () => {
      created++;
      await call(served, 'prompts:create', { name: `p${created}`, title: `P${created}` });
    };
    try {
      const steps: [string, () => Promise<unknown>][] = [
        ['start', async () => undefined],
        ['write', create],
        ['Check now', () => call(served, 'storage:checkNow')],
        ['write after Check now', create],
        ['check status', () => call(served, 'storage:checkStatus')],
        ['exact stats (worker thread)', () => call(served, 'logs:stats', { exact: true })],
        ['write after stats', create],
        ['stats', () => call(served, 'logs:stats', {})],
        ['write at the end', create],
      ];
      for (const [name, step] of steps) {
        await step();
        foreignRead(dbPath);
        expect({ name, ...sideFiles() }).toEqual({ name, wal: true, shm: true });
      }
    } finally {
      await kill9(served.child);
    }
    // Every acknowledged write is there after the crash (the WAL was never removed under the process).
    expect(countPrompts()).toBe(created);
  }, 180_000);
});
