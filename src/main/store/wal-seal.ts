import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { readSealRecord, SEAL_SUFFIX, type SealRecord } from './side-files';
import { writeFileAtomic } from './private-files';

type Db = Database.Database;

/** A generation that never resets (checkpoints kept busy by other processes) keeps this many seals. */
const MAX_SEALS = 64;
/** WAL size above which the store checkpoints and starts a new sealed generation. */
export const CHECKPOINT_WAL_BYTES = 8 * 1024 * 1024;

/** Stores whose last seal could not be committed: sealed again on the next check. */
const unsealed = new WeakSet<Db>();

function walBytes(dbPath: string): number {
  const wal = `${dbPath}-wal`;
  return existsSync(wal) ? statSync(wal).size : 0;
}

/**
 * Checkpoints the WAL into the database and seals the next WAL generation (see side-files.ts):
 * records a fresh random seal in `<db>-seal` first, then writes it into the header's application_id,
 * so the first commit of the new WAL carries it. Promptdesk turns SQLite's own auto-checkpoint off
 * (a generation SQLite started on its own would carry no new seal) and calls this at open and
 * whenever the WAL passes CHECKPOINT_WAL_BYTES.
 *
 * The seals the database file may show are known without reading it: its header is page 1 as last
 * checkpointed, so after a complete checkpoint it is the connection's own application_id, and
 * otherwise one the generation's record already lists (each seal is recorded before it is
 * committed). The file itself is never read here: a node:fs read of an open database drops this
 * process's SQLite locks (db-file-reads.ts, attack 14c S1).
 *
 * @param wait whether a checkpoint may wait for readers in other processes (busy_timeout); the
 *   periodic call passes false so the event loop never blocks on another process.
 * @param fileSeals seals the file was read to show before this process's SQLite opened it (the open's)
 */
export function checkpointAndSeal(db: Db, dbPath: string, wait = true, fileSeals: readonly number[] = []): void {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  if (!wait) db.pragma('busy_timeout = 0');
  let truncated = false;
  try {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    truncated = row?.busy === 0;
    // The record is read, merged and rewritten, and the seal committed, under SQLite's write lock:
    // another process sealing at the same moment (two opens of one new folder) would otherwise
    // rewrite the record from its own view and drop this seal, and a third opener would then refuse
    // a WAL this database wrote as "not written by this database" (attack 14c L5). With the lock
    // held nobody can append to the WAL, so whether the generation was reset is read there too.
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      // Another process is writing (the periodic call does not wait): seal at the next tick.
      unsealed.add(db);
      throw error;
    }
  } finally {
    if (!wait) db.pragma(`busy_timeout = ${timeout}`);
  }
  try {
    const reset = truncated && walBytes(dbPath) === 0;
    // Not reset: the WAL still holds the generation's earlier seals, and the file may show any of them.
    const earlier: SealRecord = (!reset && readSealRecord(dbPath)) || { wal: [], file: [] };
    const seal = randomInt(1, 2 ** 31);
    const current = db.pragma('application_id', { simple: true }) as number;
    const record: SealRecord = {
      wal: [...new Set([...earlier.wal, seal])].slice(-MAX_SEALS),
      file: [...new Set([...earlier.file, ...fileSeals, current, seal])].slice(-MAX_SEALS),
    };
    writeFileAtomic(`${dbPath}${SEAL_SUFFIX}`, `${JSON.stringify(record)}\n`);
    try {
      db.pragma(`application_id = ${seal}`);
      db.exec('COMMIT');
      unsealed.delete(db);
    } catch (error) {
      // The new seal never reached the WAL (a full disk): page-1 writes keep carrying the current one,
      // and the next timer tick seals again.
      unsealed.add(db);
      writeFileAtomic(`${dbPath}${SEAL_SUFFIX}`, `${JSON.stringify({ ...record, wal: [...record.wal, current] })}\n`);
      throw error;
    }
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

/**
 * Checkpoints and reseals when the WAL has grown past CHECKPOINT_WAL_BYTES (or the last seal failed),
 * without waiting. Runs on a timer, so it never throws: a failure (a full disk) is retried next tick.
 */
export function checkpointIfLarge(db: Db, dbPath: string): void {
  try {
    if (db.open && !db.inTransaction && (unsealed.has(db) || walBytes(dbPath) > CHECKPOINT_WAL_BYTES)) checkpointAndSeal(db, dbPath, false);
  } catch (error) {
    console.error('[store] checkpoint failed; will retry', error);
  }
}
