import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { tempDir, testWorkspace } from '../../../../helpers/workspace';
import { lineWorker } from '../../../../helpers/line-worker';
import { JOIN_IN_PROGRESS, JOIN_LEASE_SETTING, releaseJoinLease, takeJoinLease } from '../../../../../src/main/core/team/join-team';

const WORKER = join(__dirname, '..', '..', '..', '..', 'helpers', 'join-lease-worker.ts');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A join-lease worker process (test/helpers/join-lease-worker.ts). */
const worker = (dataDir: string) => lineWorker(WORKER, [dataDir], cleanups);

// Attack 14b N6: two `team join` started at the same instant on a new folder; one failed with a
// raw "EEXIST … promptdesk.db" (or "table users already exists", or a -journal refusal).
describe('two joins of one new folder at the same instant', () => {
  it('one holds the join, the other is told another join is in progress; never a raw file or SQL error', { timeout: 120_000 }, async () => {
    const folders = [0, 1, 2].map(() => {
      const t = tempDir();
      cleanups.push(t.cleanup);
      return join(t.dir, 'data');
    });
    // Six workers, two per folder. tsx compiles each first (seconds on a loaded machine), so they
    // say when they are ready and are then told one instant, a moment ahead, to open the folder at.
    const pairs = folders.map((dir) => [0, 1].map(() => worker(dir)));
    const all = pairs.flat();
    expect(await Promise.all(all.map((w) => w.line()))).toEqual(all.map(() => 'ready'));
    const startAt = Date.now() + 200;
    for (const w of all) w.send(`go ${startAt}`);
    // Each pair's two answers; only then may the holder let go (the other has met its lease).
    const answers = await Promise.all(
      pairs.map(async (pair) => {
        const answer = await Promise.all(pair.map((w) => w.line()));
        for (const w of pair) w.send('release');
        await Promise.all(pair.map((w) => w.exited));
        return answer;
      }),
    );
    for (const pair of answers) expect(pair.sort()).toEqual([JOIN_IN_PROGRESS, 'lease'].sort());
    // The folder was made once, whole: no partial database left beside it.
    for (const dir of folders) expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
});

describe('the join lease', () => {
  function store() {
    const t = testWorkspace();
    cleanups.push(t.cleanup);
    return t.workspace.store;
  }

  it('refuses a join while another running process holds it, at serverUrl, and changes nothing', async () => {
    const s = store();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    cleanups.push(() => other.kill());
    const lease = { pid: other.pid, token: 'theirs', until: Date.now() + 60_000 };
    s.settings.set(JOIN_LEASE_SETTING, lease);
    expect(() => takeJoinLease(s, 1000)).toThrow(expect.objectContaining({ code: 'conflict', message: JOIN_IN_PROGRESS, field: 'serverUrl' }));
    expect(s.settings.get(JOIN_LEASE_SETTING)).toEqual(lease);
  });

  it.each([
    ['a process gone (kill -9 mid-join)', () => ({ pid: 2 ** 22 + 17, until: Date.now() + 60_000 })],
    ['a lease past its time', () => ({ pid: 1, until: Date.now() - 1 })],
    ['this process (a new join replaces the one still waiting)', () => ({ pid: process.pid, until: Date.now() + 60_000 })],
  ])('is taken over from %s', (_, held) => {
    const s = store();
    s.settings.set(JOIN_LEASE_SETTING, { ...held(), token: 'old' });
    const token = takeJoinLease(s, 1000);
    expect(s.settings.get(JOIN_LEASE_SETTING)).toMatchObject({ pid: process.pid, token });
    // The replaced join ending later does not free the new one's lease.
    releaseJoinLease(s, 'old');
    expect(s.settings.get(JOIN_LEASE_SETTING)).toMatchObject({ token });
    releaseJoinLease(s, token);
    expect(s.settings.get(JOIN_LEASE_SETTING)).toBeNull();
  });
});
