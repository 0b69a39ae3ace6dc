import type { Action } from '../../../shared/schemas/sharing';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, invalid, notFound, promptNotFound } from '../errors';
import { assertActive, assertAdmin } from '../users/users-service';
import { canReadText, requirePrompt } from '../sharing/access';
import { toMatchQuery } from '../search/search-text';
import type { Cursor, DayGrid, LatencyGroup, LogQuery, LogRow, LogsRepoDay } from '../../store/repos/logs-repo';
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
import { zoneDays } from './zone-days';

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

/** Versions the latency chart shows: the ones with most finished runs among the newest LATENCY_SAMPLE. */
export const LATENCY_VERSIONS = 12;
/** Which versions the chart shows is decided over the newest finished runs matching the filter, which bounds that work. */
export const LATENCY_SAMPLE = 2_000;

/** Nearest-rank position (0-based) of percentile `p` among `runs` ascending values. */
const rankOf = (runs: number, p: number) => Math.min(runs - 1, Math.ceil((p / 100) * runs) - 1);

/**
 * The latency chart's versions: those with most runs in `sample` (the newest finished runs that
 * match); equal counts by prompt name (code-unit order), then version (the draft first), so the
 * choice never depends on the order rows are read.
 */
export function busiestVersions(sample: { prompt_name: string; version: number | null }[]): { prompt: string; version: number | null }[] {
  const counts = new Map<string, { prompt: string; version: number | null; runs: number }>();
  for (const row of sample) {
    const key = `${row.prompt_name}\u0000${row.version}`;
    const group = counts.get(key) ?? { prompt: row.prompt_name, version: row.version, runs: 0 };
    group.runs += 1;
    counts.set(key, group);
  }
  const byName = (a: LatencyGroup, b: LatencyGroup) => (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0) || (a.version ?? 0) - (b.version ?? 0);
  return [...counts.values()].sort((a, b) => b.runs - a.runs || byName(a, b)).slice(0, LATENCY_VERSIONS);
}

/**
 * Where the newest `sample` runs begin, from the per-day counts: the latency sample then reads
 * those days only instead of walking back through every older row that fails the filter.
 */
function sampleStart(days: { start: number; runs: number }[], sample: number): number | null {
  let runs = 0;
  for (let i = days.length - 1; i >= 0; i--) {
    runs += days[i]!.runs;
    if (runs >= sample) return i === 0 ? null : days[i]!.start;
  }
  return null;
}

/**
 * p50/p95 latency by version over every finished run `query` matches, exact, for the versions
 * busiestVersions picks from the newest LATENCY_SAMPLE of them; `days` are the query's exact
 * per-day counts (they bound the sample's walk).
 */
function latencyByVersion(ctx: Ctx, query: LogQuery, days: LogsRepoDay[]): LogStats['latencyByVersion'] {
  const { logs } = ctx.store;
  const since = sampleStart(days, LATENCY_SAMPLE);
  let sample = logs.latencies(query, LATENCY_SAMPLE, since);
  // Runs still going have no latency yet: if they left the window short, take the full walk.
  if (since !== null && sample.length < LATENCY_SAMPLE) sample = logs.latencies(query, LATENCY_SAMPLE);
  const twoDigits = (ms: number) => Number(ms.toPrecision(2));
  return logs
    .latencyRanks(query, busiestVersions(sample), (runs) => [rankOf(runs, 50), rankOf(runs, 95)])
    .filter((g) => g.runs > 0)
    .map(({ prompt, version, runs, values: [p50, p95] }) => ({ prompt, version, runs, p50: twoDigits(p50!), p95: twoDigits(p95!) }))
    .sort((a, b) => a.prompt.localeCompare(b.prompt) || (a.version ?? 0) - (b.version ?? 0));
}

/**
 * A text search matching at least this many runs is estimated unless `exact` is asked for: its
 * exact figures test every candidate run against the matches (0.6-2 s on 1,000,000 logs, see
 * `npm run bench:stats`), past what the screen should wait.
 */
export const ESTIMATE_ABOVE_MATCHES = 100_000;
/**
 * An estimate counts exactly the newest days holding this many logged runs (any filter), which
 * bounds the matches it reads; four times more if they hold fewer than ESTIMATE_SAMPLE runs the
 * other filters keep, and no estimate (the exact answer) if those still do.
 */
const ESTIMATE_WINDOW = 50_000;
const ESTIMATE_SAMPLE = 2_000;

/**
 * Where an estimate's exactly counted days begin: the newest days holding `window` logged runs,
 * widened until they hold `sample` of the candidate runs; null when that is every day.
 */
function estimateStart(logs: Ctx['store']['logs'], grid: DayGrid, candidates: LogsRepoDay[], window: number, sample: number): number | null {
  if (candidates.length === 0) return null;
  // Widened once at most: past that the other filters are narrow, and the exact answer was
  // measured cheaper than a window reading most of the matches (bench:stats, member + text + error).
  for (let runs = window; runs <= window * 4; runs *= 4) {
    const at = logs.startOfNewest(runs);
    if (at === null) return null;
    const since = grid.startOf(at);
    if (since <= candidates[0]!.start) return null;
    if (candidates.reduce((n, d) => n + (d.start >= since ? d.runs : 0), 0) >= sample) return since;
  }
  return null;
}

/**
 * Counts and chart series over the filter, exact: runs and errors per day (the calendar days of
 * `tz`, the viewer's zone, UTC when left out), and p50/p95 latency (nearest rank, two significant
 * digits) by version over every finished run the filter matches, for the LATENCY_VERSIONS
 * versions with most of them. Visibility is resolveFilter's, as for the list.
 *
 * A text search matching ESTIMATE_ABOVE_MATCHES runs or more is answered `approximate` unless
 * `exact` is true: every filter but the text is counted exactly per day; the newest days holding
 * ESTIMATE_WINDOW logged runs (widened to hold ESTIMATE_SAMPLE of those) are counted with the search, exactly; an older day's runs and
 * errors are its counts without the search scaled by the share that matched in those newest days,
 * and the percentiles are those of the newest days. The screen shows it as such and asks again
 * with `exact` (LogCharts, logs-queries.ts).
 */
export function logStats(
  ctx: Ctx,
  input: LogFilterParsed & { tz?: string; exact?: boolean },
  /** The thresholds above, for tests that cannot log 100,000 runs. */
  estimate: { above: number; window: number; sample: number } = { above: ESTIMATE_ABOVE_MATCHES, window: ESTIMATE_WINDOW, sample: ESTIMATE_SAMPLE },
): LogStats {
  const { tz, exact, ...filter } = input;
  const { grid, label } = zoneDays(tz);
  const query = resolveFilter(ctx, filter);
  const { logs } = ctx.store;
  let perDay: LogsRepoDay[];
  let scope = query;
  /** The per-day counts of `scope`, exact. */
  let scoped: LogsRepoDay[];
  let approximate = false;
  if (!exact && logs.matchesAtLeast(query, estimate.above)) {
    const { match: _match, ...withoutText } = query;
    const candidates = logs.perDay(withoutText, grid);
    const since = estimateStart(logs, grid, candidates, estimate.window, estimate.sample);
    if (since !== null) {
      approximate = true;
      scope = { ...query, from: Math.max(query.from ?? since, since) };
      const recent = logs.perDay(scope, grid);
      const share = (pick: (d: LogsRepoDay) => number, of: LogsRepoDay[]) => of.filter((d) => d.start >= since).reduce((n, d) => n + pick(d), 0);
      const runShare = share((d) => d.runs, recent) / Math.max(1, share((d) => d.runs, candidates));
      const candidateErrors = share((d) => d.errors, candidates);
      const errorShare = candidateErrors === 0 ? runShare : share((d) => d.errors, recent) / candidateErrors;
      const older = candidates
        .filter((d) => d.start < since)
        .map((d) => ({ start: d.start, runs: Math.round(d.runs * runShare), errors: Math.round(d.errors * errorShare) }))
        .map((d) => ({ ...d, errors: Math.min(d.errors, d.runs) }))
        .filter((d) => d.runs > 0);
      scoped = recent;
      perDay = [...older, ...recent];
    } else perDay = scoped = logs.perDay(query, grid);
  } else perDay = scoped = logs.perDay(query, grid);
  const total = perDay.reduce((sum, d) => sum + d.runs, 0);
  return {
    total,
    errors: perDay.reduce((sum, d) => sum + d.errors, 0),
    days: perDay.map((d) => ({ day: label(d.start), runs: d.runs, errors: d.errors })),
    latencyByVersion: latencyByVersion(ctx, scope, scoped),
    ...(approximate ? { approximate: true as const } : {}),
  };
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
