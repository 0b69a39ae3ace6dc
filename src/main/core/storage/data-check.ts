import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../context';
import { assertAdmin } from '../users/users-service';
import { CHECK_SUFFIX, checkRecord, readLastCheck, recordLastCheck, runCheck, runCheckInWorker, type CheckOutcome } from '../../store/full-check';
import { checkStoreFile, type OpenStoreOptions } from '../../store/open';
import { openElsewhere } from '../../store/open-markers';
import { storageWarnings } from './storage-warnings';
import type { DataCheck, DataCheckKind, DataCheckStatus } from '../../../shared/schemas/data-check';
import type { Store } from '../../store/store';
import { DB_FILE } from '../workspace';

/**
 * The on-demand full check, every door's (Settings' "Check now" through `storage:checkNow`, and
 * `promptdesk check`). When the check runs at open is decided in one place, store/open.ts
 * checkReason; what it runs is store/full-check.ts.
 */

/** Checks in progress per open store: a second "Check now" joins the first instead of starting another. */
const inProgress = new WeakMap<Store, Promise<DataCheck>>();

/** The last check (at open, from the CLI or from Settings) and whether one is running now; admins only. */
export function dataCheckStatus(ctx: Pick<Ctx, 'store' | 'actor'>): DataCheckStatus {
  assertAdmin(ctx.actor);
  return { lastCheck: readLastCheck(ctx.store.path), running: inProgress.has(ctx.store) };
}

/**
 * Runs the full check (integrity_check) on the open store in a worker thread, so the app keeps
 * answering, records it as the last check (reason 'on-demand') and answers the status. A damaged
 * database is reported (result 'damaged' with the sentence saying what to do), not closed: what
 * is being served already opened. Admins only.
 */
export async function checkDataNow(ctx: Pick<Ctx, 'store' | 'actor'>): Promise<DataCheckStatus> {
  assertAdmin(ctx.actor);
  const { store } = ctx;
  let running = inProgress.get(store);
  if (!running) {
    running = (async () => {
      const outcome: CheckOutcome =
        store.path === ':memory:' ? runCheck(store.db, 'full') : await runCheckInWorker(store.path, 'full', store.nativeBinding);
      // The app keeps serving this file: the sentence says to quit it before restoring or moving it.
      const check = checkRecord(store.path, outcome, 'on-demand', { whileOpen: true });
      if (store.path !== ':memory:') recordLastCheck(store.path, check);
      return check;
    })().finally(() => inProgress.delete(store));
    inProgress.set(store, running);
  }
  await running;
  return dataCheckStatus(ctx);
}

/** What `promptdesk check` found in a data folder. */
export interface FolderCheck {
  dbPath: string;
  /** Lines saying what was checked and how it went, in order. */
  checked: string[];
  /** The check as recorded; null when an earlier step refused the folder (`problem` says why). */
  check: DataCheck | null;
  /** The sentence naming the file and what to do; null when healthy. */
  problem: string | null;
  warnings: string[];
}

/**
 * `promptdesk check --data-dir DIR`: the checks every open makes (SQLite file, side files, schema,
 * file permissions), then the full check (`full`: integrity_check; `quick`: quick_check) on a
 * connection that writes nothing, whether or not the folder is open elsewhere. Its result, healthy
 * or damaged, is recorded as the last check (reason on-demand), so a damaged one makes the next
 * start check again (store/open.ts checkReason); a refusal (not a folder, no database, side files,
 * schema) changes nothing. `checked` lists only checks that passed, in order.
 */
export function checkDataFolder(dataDir: string, kind: DataCheckKind, options: OpenStoreOptions = {}): FolderCheck {
  const dbPath = join(dataDir, DB_FILE);
  const folder = statSync(dataDir, { throwIfNoEntry: false });
  if (folder && !folder.isDirectory()) {
    const problem = `${dataDir} is a file, not a folder: --data-dir takes the folder that holds ${DB_FILE} (the file was left untouched)`;
    return { dbPath, checked: [], check: null, problem, warnings: [] };
  }
  const warnings = storageWarnings(dataDir);
  let outcome: CheckOutcome;
  try {
    outcome = checkStoreFile(dbPath, kind, options);
  } catch (error) {
    return { dbPath, checked: [], check: null, problem: (error as Error).message, warnings };
  }
  const checked = [
    `${DB_FILE} is an SQLite database of a Promptdesk this version can open, and its side files (-wal, -journal, -seal) belong to it`,
    `file permissions: ${warnings.length === 0 ? 'private to you' : `${warnings.length} warning(s)`}`,
    `${kind === 'full' ? 'integrity_check (every page, record and index)' : 'quick_check (every page and record)'}: ${outcome.problems.length === 0 ? 'ok' : 'damaged'} in ${(outcome.ms / 1000).toFixed(1)} s`,
  ];
  const check = checkRecord(dbPath, outcome, 'on-demand', { whileOpen: openElsewhere(dbPath) });
  try {
    recordLastCheck(dbPath, check);
  } catch (error) {
    warnings.push(`The result could not be recorded in ${dbPath}${CHECK_SUFFIX}: ${(error as Error).message}`);
  }
  return { dbPath, checked, check, problem: check.message, warnings };
}
