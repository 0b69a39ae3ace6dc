import type { Action } from '../../../shared/schemas/sharing';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, invalid, notFound, promptNotFound } from '../errors';
import { assertActive, assertAdmin } from '../users/users-service';
import { canReadText, requirePrompt } from '../sharing/access';
import { toMatchQuery } from '../search/search-text';
import type { Cursor, LogQuery, LogRow } from '../../store/repos/logs-repo';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type {
  ExportLogsInput,
  ListLogsInput,
  LogExportStatus,
  LogDetail,
  LogEntry,
  LogFilterSchema,
  LogPage,
  LogSettings,
  LogStats,
  RateRunInput,
} from '../../../shared/schemas/logs';
import { parseInstant } from '../../../shared/schemas/instant';
import { statsOf, type EstimateThresholds } from './log-stats';

export type LogFilterParsed = z.output<typeof LogFilterSchema>;

const DAY_MS = 86_400_000;
const RETENTION_KEY = 'logs.retention';
const LAST_PURGE_KEY = 'logs.lastPurge';

/** An instant the schema has checked; refused naming the field if it somehow was not. */
function instant(value: string, field: 'from' | 'to'): number {
  const parsed = parseInstant(value);
  if (!parsed.ok) throw invalid(parsed.message, field);
  return parsed.ms;
}

/** The filter as the repository takes it; a member's view is limited to what they may read. */
export function resolveFilter(ctx: Ctx, filter: LogFilterParsed): LogQuery {
  assertActive(ctx.actor);
  const query: LogQuery = { viewer: ctx.actor.role === 'admin' ? null : ctx.actor.id };
  // A prompt with API access off is missing over the API (requirePrompt): so are its runs.
  if (ctx.via) query.apiExposedOnly = true;
  if (filter.prompt) {
    const { row, readable } = promptFilter(ctx, filter.prompt);
    query.promptId = row.id;
    // A member who may read the prompt sees every log of it: no per-row visibility test. One who
    // may only run it keeps the viewer rule (their own runs).
    if (readable) query.viewer = null;
  }
  if (filter.source?.length) query.sources = filter.source;
  if (filter.status?.length) query.statuses = filter.status;
  if (filter.version !== undefined) query.version = filter.version;
  if (filter.userId) query.userId = filter.userId;
  if (filter.model) query.model = filter.model;
  if (filter.from) query.from = instant(filter.from, 'from');
  if (filter.to) query.to = instant(filter.to, 'to');
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) throw invalid('"from" must be before "to"', 'to');
  if (filter.q) {
    const match = toMatchQuery(filter.q);
    if (match) query.match = match;
  }
  return query;
}

/**
 * The prompt a logs filter names, and whether the caller may read it. A name that does not exist
 * and one the caller may not see answer the same `promptNotFound('prompt')` (404 naming the
 * field), so the filter cannot probe for hidden names.
 */
function promptFilter(ctx: Ctx, name: string): { row: PromptRow; readable: boolean } {
  try {
    return { row: requirePrompt(ctx, name, 'read'), readable: true };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'not_found') throw promptNotFound('prompt');
    // Visible but not readable (run only): the member's own runs of it.
    if (error.code === 'forbidden') return { row: ctx.store.prompts.getRowByName(name)!, readable: false };
    throw error;
  }
}

export const encodeCursor = (row: { started_at: number; seq: number }) => Buffer.from(`${row.started_at}.${row.seq}`).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalid('This cursor is not one Promptdesk gave out; start again without it', 'cursor');
  return { startedAt: Number(match[1]), seq: Number(match[2]) };
}

function userName(ctx: Ctx, id: string | null): LogEntry['user'] {
  if (!id) return null;
  const user = ctx.store.users.get(id);
  return { id, name: user?.name ?? 'Removed member' };
}

export function toEntry(ctx: Ctx, row: LogRow): LogEntry {
  return {
    id: row.id,
    prompt: row.prompt_name,
    promptId: row.prompt_id,
    version: row.version,
    source: row.source,
    user: userName(ctx, row.user_id),
    keyLabel: row.key_label,
    model: row.model,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    inputTokens: row.tokens_in,
    outputTokens: row.tokens_out,
    dataLogging: row.data_logging,
    rating: row.rating,
    ratingComment: row.rating_comment,
    error: row.error,
    outputPreview: row.output,
  };
}

export function listLogs(ctx: Ctx, input: z.output<typeof ListLogsInput>): LogPage {
  const { cursor, limit, ...filter } = input;
  const rows = ctx.store.logs.page(resolveFilter(ctx, filter), cursor ? decodeCursor(cursor) : null, limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map((row) => toEntry(ctx, row)), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * Who may see another member's logged runs of a prompt (and so hear of their run.logged/rated,
 * core/changes); the runner always sees their own, admins every run.
 */
export const RUN_LOGS_ACTION: Action = 'read';

/**
 * The log row, if the list would show it to the caller: admins see every run, a member their
 * own runs and the runs of prompts they may read; over the HTTP API, never a run of a prompt
 * whose API access is off. Decided by the prompt's id, as the list's SQL
 * is, never by the name the row recorded: a deleted prompt's name may be taken again, and its
 * new holder must not get the old prompt's runs by id.
 *
 * @throws AppError `not_found` ("Log entry not found") for a row the caller may not see
 */
function visibleRow(ctx: Ctx, id: string): LogRow {
  assertActive(ctx.actor);
  const row = ctx.store.logs.get(id);
  if (!row) throw notFound('Log entry');
  const prompt = row.prompt_id === null ? undefined : ctx.store.prompts.getRowById(row.prompt_id);
  // Over the API a prompt with API access off is missing for everyone (see resolveFilter).
  if (ctx.via && prompt && prompt.api_access !== 1) throw notFound('Log entry');
  if (ctx.actor.role !== 'admin' && row.user_id !== ctx.actor.id) {
    try {
      if (!prompt) throw notFound('Log entry');
      requirePrompt(ctx, prompt.name, RUN_LOGS_ACTION);
    } catch {
      throw notFound('Log entry');
    }
  }
  return row;
}

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

/**
 * Whether the caller may see the rendered messages of a logged run: they carry the template's
 * text, so only someone who may read the prompt (admins always). A run-only member keeps their
 * own variables and the output of their runs. Decided by the prompt's id, as visibleRow is (the
 * name a row recorded may since belong to another prompt).
 */
function readsLoggedText(ctx: Ctx, row: LogRow): boolean {
  if (ctx.actor.role === 'admin') return true;
  const prompt = row.prompt_id === null ? undefined : ctx.store.prompts.getRowById(row.prompt_id);
  return prompt !== undefined && canReadText(ctx, prompt);
}

export function getLog(ctx: Ctx, id: string): LogDetail {
  const row = visibleRow(ctx, id);
  const withheld = row.messages !== null && !readsLoggedText(ctx, row);
  return {
    ...toEntry(ctx, row),
    outputPreview: row.output === null ? null : row.output.slice(0, 160),
    variables: parsed(row.variables),
    variableNames: parsed(row.variable_names),
    messages: withheld ? null : parsed(row.messages),
    ...(withheld ? { messagesWithheld: true } : {}),
    output: row.output,
    outputChars: row.output_chars,
    conversationId: row.conversation_id,
  };
}

/**
 * Only the member who ran it rates a run (an admin may correct any). The rater is recorded: the
 * readiness checklist (item 7) counts a rating only when the rater ran the run.
 */
export function rateRun(ctx: Ctx, input: z.output<typeof RateRunInput>): LogDetail {
  const row = visibleRow(ctx, input.id);
  if (row.user_id !== ctx.actor.id && ctx.actor.role !== 'admin') throw new AppError('forbidden', 'Only the member who ran it can rate this answer');
  const comment = input.rating === null ? null : input.comment || null;
  ctx.store.logs.rate(input.id, input.rating, comment, ctx.actor.id);
  return getLog(ctx, input.id);
}

export { ESTIMATE_ABOVE_MATCHES, FEW_CANDIDATES, LATENCY_SAMPLE, LATENCY_VERSIONS, busiestVersions } from './log-stats';

/**
 * The Logs statistics for the caller (statsOf, log-stats.ts) over what the list would show them:
 * resolveFilter's visibility, then the counts, per-day series and exact p50/p95 by version; an
 * estimate (`approximate: true`) for a text search with many matches unless `exact`.
 *
 * @throws AppError as resolveFilter (a hidden or missing prompt: promptNotFound('prompt'); bad bounds)
 */
export function logStats(
  ctx: Ctx,
  input: LogFilterParsed & { tz?: string; exact?: boolean },
  /** statsOf's thresholds (each left out: the constant), for tests that cannot log 100,000 runs. */
  estimate?: Partial<EstimateThresholds>,
): LogStats {
  const { tz, exact, ...filter } = input;
  return statsOf(ctx.store.logs, resolveFilter(ctx, filter), { tz, exact }, estimate);
}

/** Starts writing the filtered logs to a file in the background; progress via the export's status. */
export function exportLogs(ctx: Ctx, input: z.output<typeof ExportLogsInput>): LogExportStatus {
  return ctx.runtime.exports.start(ctx, resolveFilter(ctx, input.filter), input.format);
}

export function logSettings(ctx: Ctx): LogSettings {
  assertActive(ctx.actor);
  return {
    retentionDays: ctx.store.settings.get<number | null>(RETENTION_KEY) ?? null,
    lastPurge: ctx.store.settings.get<LogSettings['lastPurge']>(LAST_PURGE_KEY) ?? null,
  };
}

export function setRetention(ctx: Ctx, days: number | null): LogSettings {
  assertAdmin(ctx.actor);
  ctx.store.tx(() => ctx.store.settings.set(RETENTION_KEY, days));
  return logSettings(ctx);
}

/** Deletes logs older than the retention period (nothing when logs are kept forever). */
export function purgeLogs(ctx: Ctx): LogSettings {
  assertAdmin(ctx.actor);
  applyRetention(ctx);
  return logSettings(ctx);
}

/** The retention rule itself, also run by the host at start and daily. */
export function applyRetention(ctx: Pick<Ctx, 'store' | 'clock'>): number {
  const days = ctx.store.settings.get<number | null>(RETENTION_KEY) ?? null;
  if (days === null) return 0;
  const removed = ctx.store.logs.purgeBefore(ctx.clock.now().getTime() - days * DAY_MS);
  ctx.store.tx(() => ctx.store.settings.set(LAST_PURGE_KEY, { at: nowIso(ctx), removed }));
  return removed;
}
