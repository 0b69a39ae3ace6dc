import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { LogDetail, LogEntry, LogFilter } from '../../../shared/schemas/logs';
import type { User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { LOGS_PAGE_SIZE, MAX_LOG_ROWS } from './logs-slice';
import { queryKeys } from './query-keys';
import { useAppStore } from './store';
import { membersQuery } from './workspace-queries';

/**
 * The Logs view's server state as queries, keyed by scope (a prompt's Logs tab or the global
 * screen) and the filter the form last parsed (logs-slice.ts `applied`): the runs, paged by
 * cursor; the counts and charts; one run in full; the retention settings.
 */

/** The runs matching a filter, newest first, LOGS_PAGE_SIZE a page, up to MAX_LOG_ROWS. */
export const logRunsQuery = (scope: string | null, filter: LogFilter) =>
  infiniteQueryOptions({
    queryKey: queryKeys.logRuns(scope, filter),
    queryFn: ({ pageParam }) => unwrap(api.logs.list({ ...filter, ...(pageParam ? { cursor: pageParam } : {}), limit: LOGS_PAGE_SIZE })),
    initialPageParam: null as string | null,
    // Older runs stay on the server past MAX_LOG_ROWS: the table suggests filters or export.
    getNextPageParam: (last, pages) => (pages.length * LOGS_PAGE_SIZE >= MAX_LOG_ROWS ? undefined : (last.nextCursor ?? undefined)),
    // While another filter loads, the previous runs stay on screen.
    placeholderData: keepPreviousData,
  });

/** Counts and charts for a filter; runs per day are counted over the days of this user's zone, as the date filters are. */
export const logStatsQuery = (scope: string | null, filter: LogFilter) =>
  queryOptions({
    queryKey: queryKeys.logStats(scope, filter),
    queryFn: () => unwrap(api.logs.stats({ ...filter, tz: Intl.DateTimeFormat().resolvedOptions().timeZone })),
    placeholderData: keepPreviousData,
  });

/**
 * The same counts, exact: asked only when the first answer was an estimate (a text search
 * matching many runs, LogStats.approximate), and shown in its place when it lands. No placeholder:
 * another filter's exact figures must never stand in for this one's.
 */
export const logStatsExactQuery = (scope: string | null, filter: LogFilter) =>
  queryOptions({
    queryKey: queryKeys.logStatsExact(scope, filter),
    queryFn: () => unwrap(api.logs.stats({ ...filter, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, exact: true })),
  });

/** One run in full; until it answers, the row's own fields show (`placeholder`). */
export const logRunQuery = (id: string, placeholder?: LogDetail) =>
  queryOptions({ queryKey: queryKeys.logRun(id), queryFn: () => unwrap(api.logs.get({ id })), ...(placeholder ? { placeholderData: placeholder } : {}) });

export const logSettingsQuery = queryOptions({ queryKey: queryKeys.logSettings, queryFn: () => unwrap(api.logs.settings()) });

/** The runs page by page, as one list (a run seen on an earlier page is not repeated). */
export function useLogRuns() {
  const scope = useAppStore((s) => s.logs.scope);
  const applied = useAppStore((s) => s.logs.applied);
  const q = useInfiniteQuery(logRunsQuery(scope, applied));
  const items = q.data ? joinPages(q.data.pages.map((p) => p.items)) : NO_RUNS;
  // A failed next page is offered again from the table's footer; any other failure replaces the table.
  const moreError = q.isFetchNextPageError ? toFormError(q.error).message : null;
  const failure: FormError | null = q.isError && !q.isFetchNextPageError ? toFormError(q.error) : null;
  return {
    items,
    hasMore: q.hasNextPage,
    /** No runs for this filter yet (a first load, or one after another filter's runs). */
    loading: q.data === undefined && !q.isError,
    refreshing: q.isFetching && !q.isFetchingNextPage,
    loadingMore: q.isFetchingNextPage,
    moreError,
    /** A field the server refused belongs next to that field (LogFilters), not instead of the table. */
    fieldError: failure?.field ? failure : null,
    error: failure && !failure.field ? failure.message : null,
    loadMore: () => void q.fetchNextPage(),
  };
}

/**
 * The counts and charts for what the table shows. While another filter's figures stand in for
 * this one's (keepPreviousData), `updating` is true: the screen marks them as not this answer.
 */
export function useLogStats() {
  const scope = useAppStore((s) => s.logs.scope);
  const applied = useAppStore((s) => s.logs.applied);
  const q = useQuery(logStatsQuery(scope, applied));
  // Only this filter's own estimate asks for the exact figures, not the previous filter's.
  const exact = useQuery({ ...logStatsExactQuery(scope, applied), enabled: q.data?.approximate === true && !q.isPlaceholderData });
  const stats = q.data?.approximate && !q.isPlaceholderData && exact.data ? exact.data : (q.data ?? null);
  return { stats, updating: q.isPlaceholderData, error: q.isError ? toFormError(q.error).message : null };
}

/** Members for the "Member" filter, by name; null hides it (e.g. the acting member may not list them). */
export function useLogMembers(): User[] | null {
  const { data, isError } = useQuery(membersQuery);
  if (isError || !data) return null;
  return [...data].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

/**
 * The runs of all pages in order, each once (a run logged between two page loads shifts the
 * pages, so the next page may repeat the last one's end), at most MAX_LOG_ROWS.
 */
export function joinPages(pages: readonly (readonly LogEntry[])[]): LogEntry[] {
  const seen = new Set<string>();
  const items: LogEntry[] = [];
  for (const page of pages) {
    for (const item of page) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return items.slice(0, MAX_LOG_ROWS);
}

const NO_RUNS: LogEntry[] = [];
