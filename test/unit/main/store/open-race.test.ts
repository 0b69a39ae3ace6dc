import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../../../helpers/workspace';
import { lineWorker } from '../../../helpers/line-worker';
import { openWorkspace } from '../../../../src/main/core/workspace';

const WORKER = join(__dirname, '..', '..', '..', 'helpers', 'open-race-worker.ts');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** An open-race worker process (test/helpers/open-race-worker.ts). */
const worker = (dataDir: string, label: string) => lineWorker(WORKER, [dataDir, label], cleanups);

// Attack 14c L5 and the team journey's three `users invite` at once beside a running server: an
// opener sometimes refused the folder with "promptdesk.db-wal was not written by this database".
// Each open checkpoints and reseals the WAL; two sealing at once rewrote the seal record from their
// own views, and an opener reading the WAL and the record between another's steps saw them differ.
describe('several processes open a folder another process holds, at the same instant', () => {
  it('every open succeeds: a live WAL is never called foreign', { timeout: 180_000 }, async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dataDir = join(t.dir, 'data');
    const holder = openWorkspace(dataDir);
    cleanups.unshift(() => holder.close());
    const answers: string[] = [];
    // Each worker opens once, so each round starts four new ones (tsx compiles first; they say when ready).
    for (let round = 0; round < 4; round++) {
      const workers = [0, 1, 2, 3].map((i) => worker(dataDir, `${round}-${i}`));
      expect(await Promise.all(workers.map((w) => w.line()))).toEqual(workers.map(() => 'ready'));
      const startAt = Date.now() + 200;
      for (const w of workers) w.send(`go ${startAt}`);
      // The holder writes meanwhile, as a running server does.
      holder.store.settings.set('open-race.holder', { round });
      answers.push(...(await Promise.all(workers.map((w) => w.line()))));
    }
    expect(answers).toEqual(answers.map(() => 'ok'));
    // Every worker's write is in the folder: no open was refused and none wrote elsewhere.
    for (let round = 0; round < 4; round++) for (let i = 0; i < 4; i++) expect(holder.store.settings.get(`open-race.${round}-${i}`)).toBeDefined();
  });
});
