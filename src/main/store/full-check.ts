import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { writeFileAtomic } from './private-files';
import type { DataCheck, DataCheckKind, DataCheckReason } from '../../shared/schemas/data-check';

/**
 * The data folder's full check: SQLite reads every page of promptdesk.db (quick_check) and, for
 * `full`, compares every index with its table (integrity_check). Both are O(size of the file):
 * 7-15 s for quick_check and about 19 s for integrity_check on a folder with a million logged runs
 * (npm run bench:start), so it runs only when it matters (see open.ts: after an unclean shutdown,
 * after a recorded check that found damage, before a migration) and on demand (`promptdesk check`, Settings → Data check). The last check is
 * kept in `promptdesk.db-check` beside the database, a file rather than a setting, so a check of a
 * database that cannot be opened (the CLI's) can be read without writing into it.
 */

export const CHECK_SUFFIX = '-check';
/** At most this many problems are listed (SQLite's own limit would be 100). */
const MAX_PROBLEMS = 20;

/** What one check found: `problems` empty means healthy. */
export interface CheckOutcome {
  kind: DataCheckKind;
  problems: string[];
  /** Milliseconds SQLite took. */
  ms: number;
}

const pragmaOf = (kind: DataCheckKind) => (kind === 'full' ? `integrity_check(${MAX_PROBLEMS})` : `quick_check(${MAX_PROBLEMS})`);

/** Runs the check on an open connection (read-only is enough); blocks for as long as SQLite reads. */
export function runCheck(db: Database.Database, kind: DataCheckKind): CheckOutcome {
  const started = performance.now();
  let lines: string[];
  try {
    const rows = db.pragma(pragmaOf(kind), { simple: false }) as Record<string, unknown>[];
    lines = rows.map((row) => String(Object.values(row)[0]));
  } catch (error) {
    // Damage to the schema itself stops the check before its first row: that is its finding.
    if (!isCorruption(error)) throw error;
    lines = [(error as Error).message];
  }
  return { kind, problems: lines.length === 1 && lines[0] === 'ok' ? [] : lines, ms: Math.round(performance.now() - started) };
}

/** Whether SQLite refused a read because the file is damaged (SQLITE_CORRUPT*, "malformed"). */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) || /malformed/i.test((error as Error | null)?.message ?? '');
}

/** How the damaged sentence is worded: `whileOpen` for a database a running Promptdesk serves. */
export interface DamagedWording {
  /** The folder is open in a running Promptdesk (Check now, or `promptdesk check` beside a running host). */
  whileOpen?: boolean;
}

/** The upgrade backups beside `dbPath` (open.ts names them `<db>.before-v<N>-<ms>.bak`), newest first. */
function backupsBeside(dbPath: string): string[] {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}.before-`;
  try {
    return readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name.endsWith('.bak'))
      .map((name) => ({ name, at: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.at - a.at)
      .map((file) => file.name);
  } catch {
    return [];
  }
}

/**
 * The sentence a damaged database is refused (or reported) with: which file, which check found it
 * (quick_check or integrity_check), and what to do — a backup is named only when one exists, and
 * for a folder a running Promptdesk serves it says to quit it first (it keeps writing that file).
 */
export function damagedMessage(dbPath: string, outcome: CheckOutcome, wording: DamagedWording = {}): string {
  const first = outcome.problems.slice(0, 3).join('; ');
  const more = outcome.problems.length > 3 ? ` (and ${outcome.problems.length - 3} more)` : '';
  const check = outcome.kind === 'full' ? 'integrity check' : 'quick check';
  const backups = backupsBeside(dbPath);
  const copy =
    backups.length === 0
      ? 'restore it from a copy'
      : `restore it from a copy (${backups[0]} beside it was made before an upgrade${backups.length > 1 ? `; ${backups.length - 1} older .bak file(s) too` : ''})`;
  const act = wording.whileOpen
    ? `Quit Promptdesk (and any promptdesk serve using this folder) first, then ${copy}, or move it out of the folder to start empty.`
    : `It was left untouched: ${copy}, or move it out of the folder to start empty.`;
  return `${dbPath} is damaged (${check}: ${first}${more}). ${act}`;
}

/** The record of one check, as kept beside the database and shown in Settings. */
export function checkRecord(dbPath: string, outcome: CheckOutcome, reason: DataCheckReason, wording: DamagedWording = {}, at = new Date()): DataCheck {
  const ok = outcome.problems.length === 0;
  return { at: at.toISOString(), kind: outcome.kind, reason, result: ok ? 'ok' : 'damaged', ms: outcome.ms, message: ok ? null : damagedMessage(dbPath, outcome, wording) };
}

/** The last check recorded beside `dbPath`, or null (none yet, or an unreadable record). */
export function readLastCheck(dbPath: string): DataCheck | null {
  const path = `${dbPath}${CHECK_SUFFIX}`;
  if (!existsSync(path)) return null;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as DataCheck;
    return typeof value.at === 'string' && (value.result === 'ok' || value.result === 'damaged') ? value : null;
  } catch {
    return null;
  }
}

/** Keeps `check` as the last one (atomically, 0600). */
export function recordLastCheck(dbPath: string, check: DataCheck): void {
  writeFileAtomic(`${dbPath}${CHECK_SUFFIX}`, `${JSON.stringify(check)}\n`);
}

// The worker gets better-sqlite3 by path: an eval'd worker resolves modules from the working
// folder, which is not the app's in Electron.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.path, { readonly: true, fileMustExist: true, nativeBinding: workerData.nativeBinding });
  const started = performance.now();
  const rows = db.pragma(workerData.pragma, { simple: false }).map((row) => String(Object.values(row)[0]));
  parentPort.postMessage({ rows, ms: Math.round(performance.now() - started) });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
} finally {
  if (db) db.close();
}
`;

/**
 * Runs the check on its own read-only connection in a worker thread, so a store that is open and
 * serving (the app's "Check now") keeps answering meanwhile; the connection reads one snapshot, so
 * commits made during the check neither disturb it nor wait for it. Rejects when the file cannot
 * be opened at all.
 *
 * @param nativeBinding the better-sqlite3 binary the app uses (Electron's ABI), if not Node's
 */
export function runCheckInWorker(dbPath: string, kind: DataCheckKind, nativeBinding?: string): Promise<CheckOutcome> {
  const module = createRequire(__filename).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, path: dbPath, nativeBinding, pragma: pragmaOf(kind) } });
    worker.once('message', (message: { rows?: string[]; ms?: number; error?: string }) => {
      if (message.error !== undefined && /malformed/i.test(message.error)) return resolve({ kind, problems: [message.error], ms: 0 });
      if (message.error !== undefined) return reject(new Error(`${basename(dbPath)} could not be checked: ${message.error}`));
      const rows = message.rows ?? [];
      resolve({ kind, problems: rows.length === 1 && rows[0] === 'ok' ? [] : rows, ms: message.ms ?? 0 });
    });
    worker.once('error', reject);
  });
}
