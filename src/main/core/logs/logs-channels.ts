import { channel, NoInput } from '../channel';
import { exportLogs, getLog, listLogs, logSettings, purgeLogs, rateRun, setRetention } from './logs-service';
import { answerLogStats } from './log-stats-worker';
import { ExportLogsInput, ExportRefInput, ListLogsInput, LogRefInput, LogStatsInput, RateRunInput, RetentionInput } from '../../../shared/schemas/logs';

/** The logs area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const LOGS_CHANNELS = {
  'logs:list': channel(ListLogsInput, (ctx, input) => listLogs(ctx, input)),
  'logs:get': channel(LogRefInput, (ctx, input) => getLog(ctx, input.id)),
  /** Asked `exact`, answered from a worker thread when it finishes (log-stats-worker.ts): the main process keeps serving. */
  'logs:stats': channel(LogStatsInput, (ctx, input) => answerLogStats(ctx, input)),
  'logs:rate': channel(RateRunInput, (ctx, input) => rateRun(ctx, input)),
  'logs:export': channel(ExportLogsInput, (ctx, input) => exportLogs(ctx, input)),
  'logs:export-status': channel(ExportRefInput, (ctx, input) => ctx.runtime.exports.status(ctx, input.exportId)),
  'logs:settings': channel(NoInput, (ctx) => logSettings(ctx)),
  'logs:set-retention': channel(RetentionInput, (ctx, input) => setRetention(ctx, input.days)),
  /** Removes logs older than the retention setting now. */
  'logs:purge': channel(NoInput, (ctx) => purgeLogs(ctx)),
};
