/**
 * bench:store — what checking the side files costs at open (side-files.ts reads and checksums every
 * WAL frame before SQLite opens the folder). Prints, for a WAL left by a kill -9 at the store's
 * checkpoint threshold (8 MiB) and at 8x that: the check alone, and the whole openStore (check,
 * read-only quick_check, recovery, checkpoint and seal); and openStore on a cleanly closed folder.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/main/store/open';
import { checkSideFiles } from '../../src/main/store/side-files';
import { CHECKPOINT_WAL_BYTES } from '../../src/main/store/wal-seal';
import { ms, summarize, time } from './stats';

const RUNS = 7;
const root = mkdtempSync(join(tmpdir(), 'promptdesk-bench-store-'));

function copyAll(from: string, to: string): void {
  for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
}

/** A folder whose WAL holds about `walBytes` of committed rows, as a kill -9 leaves it. */
function crashedFolder(walBytes: number): string {
  const live = mkdtempSync(join(root, 'live-'));
  const db = openStore(join(live, 'promptdesk.db'));
  const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  const batch = db.transaction((from: number) => {
    for (let i = from; i < from + 200; i++) insert.run(`row-${i}`, 'x'.repeat(500));
  });
  for (let i = 0; statSync(join(live, 'promptdesk.db-wal')).size < walBytes; i += 200) batch(i);
  const copy = mkdtempSync(join(root, 'crashed-'));
  copyAll(live, copy);
  db.close();
  return copy;
}

function report(label: string, samples: number[]): void {
  const { p50, max } = summarize(samples);
  process.stdout.write(`${label.padEnd(58)} p50 ${ms(p50).padStart(10)}   max ${ms(max).padStart(10)}\n`);
}

try {
  for (const walBytes of [CHECKPOINT_WAL_BYTES, 8 * CHECKPOINT_WAL_BYTES]) {
    const folder = crashedFolder(walBytes);
    const mib = (statSync(join(folder, 'promptdesk.db-wal')).size / 2 ** 20).toFixed(1);
    const check: number[] = [];
    for (let i = 0; i < RUNS; i++) check.push(time(() => checkSideFiles(join(folder, 'promptdesk.db')))[1]);
    report(`checkSideFiles, ${mib} MiB WAL`, check);
    const open: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const copy = mkdtempSync(join(root, 'open-'));
      copyAll(folder, copy);
      const [db, elapsed] = time(() => openStore(join(copy, 'promptdesk.db')));
      open.push(elapsed);
      db.close();
      rmSync(copy, { recursive: true, force: true });
    }
    report(`openStore after kill -9, ${mib} MiB WAL (recovers it)`, open);
  }
  const clean = mkdtempSync(join(root, 'clean-'));
  openStore(join(clean, 'promptdesk.db')).close();
  const open: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [db, elapsed] = time(() => openStore(join(clean, 'promptdesk.db')));
    open.push(elapsed);
    db.close();
  }
  report('openStore, cleanly closed folder (no WAL)', open);
} finally {
  rmSync(root, { recursive: true, force: true });
}
