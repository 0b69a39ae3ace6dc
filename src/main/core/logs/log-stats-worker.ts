import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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
 * The exact Logs statistics (logStats with `exact: true`) computed in a worker thread on its own
 * read-only connection, so the main process keeps answering the API, IPC and bridge meanwhile
 * (0.5-1.5 s for a text search matching most of 1,000,000 logs, `npm run bench:stats`). The
 * filter is resolved here first (resolveFilter: who may see what, bad input refused at once);
 * the worker runs the same statsOf. An in-memory store has no file to share: computed here.
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
  return new Promise<LogStats>((resolve, reject) => {
    const worker = new Worker(source, { eval: isEval, workerData: job });
    worker.once('message', (message: { stats?: LogStats; error?: string }) => {
      if (message.stats) resolve(message.stats);
      else reject(new Error(`The exact log statistics failed: ${message.error ?? 'no answer'}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The log statistics worker stopped (exit code ${code}) before answering`)));
  });
}

/**
 * The `logs:stats` answer: asked `exact`, from a worker thread (logStatsInWorker); otherwise at
 * once on this thread (logStats, an estimate for a text search with many matches).
 */
export function answerLogStats(ctx: Ctx, input: LogFilterParsed & { tz?: string; exact?: boolean }): LogStats | Promise<LogStats> {
  const { exact, ...rest } = input;
  return exact ? logStatsInWorker(ctx, rest) : logStats(ctx, input);
}
