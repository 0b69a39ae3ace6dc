import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pLimit from 'p-limit';
import type { Ctx } from '../context';
import type { LogStats } from '../../../shared/schemas/logs';
import { logStats, resolveFilter, type LogFilterParsed } from './logs-service';
import { statsOf } from './log-stats';
import type { LogStatsJob } from './log-stats-thread';

/**
 * Where the worker's code is. Built (electron-vite), log-stats-thread.ts is an entry of its own
 * (electron.vite.config.ts) beside cli.js and electron.js, one folder above a shared chunk; run
 * from source (tsx, vitest), the .ts file beside this one, loaded through tsx's require hook (an
 * eval'd worker does not inherit the parent's loader).
 */
function workerSource(): { source: string; eval: boolean } {
  if (__filename.endsWith('.ts')) {
    const tsx = createRequire(__filename).resolve('tsx/cjs/api');
    const entry = join(__dirname, 'log-stats-thread.ts');
    return { source: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, eval: true };
  }
  const built = [join(__dirname, 'log-stats-thread.js'), join(__dirname, '..', 'log-stats-thread.js')].find((path) => existsSync(path));
  if (!built) throw new Error('log-stats-thread.js is missing from the build');
  return { source: built, eval: false };
}

/**
 * At most this many workers compute at once; later calls wait their turn. The screen asks again on
 * every logged run (run.logged), and each worker holds a connection and up to a second of CPU on a
 * machine that may have two cores.
 */
export const STATS_WORKERS = 2;
const workers = pLimit(STATS_WORKERS);

let alive = 0;
/** Worker threads started and not yet exited (for tests and diagnostics). */
export const statsWorkersRunning = () => alive;

/**
 * The exact Logs statistics (logStats with `exact: true`) computed in a worker thread on its own
 * read-only connection, so the main process keeps answering the API, IPC and bridge meanwhile
 * (0.5-1.5 s for a text search matching most of 1,000,000 logs, `npm run bench:stats`). The
 * filter is resolved here first (resolveFilter: who may see what, bad input refused at once);
 * the worker runs the same statsOf, STATS_WORKERS at a time. An in-memory store has no file to share: computed here.
 *
 * @throws AppError as resolveFilter; Error when the worker cannot open the database
 */
export async function logStatsInWorker(ctx: Ctx, input: LogFilterParsed & { tz?: string }): Promise<LogStats> {
  const { tz, ...filter } = input;
  const query = resolveFilter(ctx, filter);
  const { store } = ctx;
  if (store.path === ':memory:') return statsOf(store.logs, query, { tz, exact: true });
  const job: LogStatsJob = { kind: 'log-stats', path: store.path, nativeBinding: store.nativeBinding, query, tz };
  const { source, eval: isEval } = workerSource();
  // Settled when the thread has exited, not at its message: the next one then starts after it is gone.
  return workers(
    () =>
      new Promise<LogStats>((resolve, reject) => {
        const worker = new Worker(source, { eval: isEval, workerData: job });
        alive += 1;
        let answer: { stats?: LogStats; error?: string } = {};
        let failure: Error | null = null;
        worker.once('message', (message: typeof answer) => (answer = message));
        worker.once('error', (error) => (failure = error));
        worker.once('exit', (code) => {
          alive -= 1;
          if (answer.stats) resolve(answer.stats);
          else reject(failure ?? new Error(`The exact log statistics failed: ${answer.error ?? `the worker stopped (exit code ${code}) before answering`}`));
        });
      }),
  );
}

/**
 * The `logs:stats` answer: asked `exact`, from a worker thread (logStatsInWorker); otherwise at
 * once on this thread (logStats, an estimate for a text search with many matches).
 */
export function answerLogStats(ctx: Ctx, input: LogFilterParsed & { tz?: string; exact?: boolean }): LogStats | Promise<LogStats> {
  const { exact, ...rest } = input;
  return exact ? logStatsInWorker(ctx, rest) : logStats(ctx, input);
}
