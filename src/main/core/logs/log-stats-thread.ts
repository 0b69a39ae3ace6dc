/**
 * The worker thread side of the exact Logs statistics (log-stats-worker.ts starts it): opens the
 * database read-only on its own connection, runs statsOf over the filter the main process has
 * already resolved (visibility included), posts the answer and ends. Its connection reads one
 * snapshot, so runs logged meanwhile neither disturb it nor wait for it.
 *
 * Message out: `{ stats: LogStats }` or `{ error: string }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { logsRepo, type LogQuery } from '../../store/repos/logs-repo';
import { statsOf } from './log-stats';

/** What the main process hands the worker (plain data: it is copied across threads). */
export interface LogStatsJob {
  kind: 'log-stats';
  path: string;
  nativeBinding: string | undefined;
  query: LogQuery;
  tz: string | undefined;
}

function run(job: LogStatsJob): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(job.path, { readonly: true, fileMustExist: true, nativeBinding: job.nativeBinding });
    // A reader may meet the writer's checkpoint; wait as the main connection does (store/open.ts).
    db.pragma('busy_timeout = 5000');
    parentPort!.postMessage({ stats: statsOf(logsRepo(db), job.query, { tz: job.tz, exact: true }) });
  } catch (error) {
    parentPort!.postMessage({ error: String((error as Error | null)?.message ?? error) });
  } finally {
    db?.close();
  }
}

// Only as a worker given a job: imported anywhere else (a type, a test), it does nothing.
const job = workerData as LogStatsJob | null;
if (parentPort && job?.kind === 'log-stats') run(job);
