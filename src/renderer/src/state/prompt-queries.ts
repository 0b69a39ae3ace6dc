import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { useShallow } from 'zustand/react/shallow';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import { PAGE_SIZE, type LibrarySort } from './library-slice';
import { queryKeys, type LibraryFilter } from './query-keys';
import { useAppStore } from './store';
import { integrationsQuery } from './workspace-queries';

/**
 * The queries for lists of prompts (Library, Chat launcher). Each is `queryOptions` under a key
 * from query-keys.ts; the hooks read the filter the store holds, so a filter change is a new key
 * (its answer can never land on another filter's page).
 */

const LAUNCHER_LIMIT = 100;

/** One Library page for a filter (PAGE_SIZE prompts from `offset`), with the tag and owner facets. */
export const libraryQuery = (filter: LibraryFilter & { sort: LibrarySort }) =>
  queryOptions({
    queryKey: queryKeys.library(filter),
    queryFn: () =>
      unwrap(
        api.prompts.list({
          query: filter.query,
          sort: filter.sort,
          limit: PAGE_SIZE,
          offset: filter.offset,
          ...(filter.tag ? { tag: filter.tag } : {}),
          ...(filter.ownerId ? { ownerId: filter.ownerId } : {}),
        }),
      ),
    // While another page or filter loads, the previous one stays on screen (marked busy).
    placeholderData: keepPreviousData,
  });

/** The Chat launcher's list: every prompt the member may run (Chat only ones included), by title. */
export const launcherQuery = (query: string) =>
  queryOptions({
    queryKey: queryKeys.launcher(query),
    queryFn: () => unwrap(api.prompts.runnable({ query, sort: 'title', limit: LAUNCHER_LIMIT })),
    placeholderData: keepPreviousData,
  });

/** What a list screen shows from a query: `loaded` is false until a first answer (or error), so no wrong empty state flashes. */
export interface ListView<T> {
  items: T[];
  total: number;
  loaded: boolean;
  /** A (re)fetch is in flight; what shows may be the previous answer. */
  loading: boolean;
  error: string | null;
  retry(): void;
}

/** The Library page for the filter in the store, and its facets. */
export function useLibraryPage() {
  const filter = useAppStore(useShallow((s) => ({ query: s.library.query, tag: s.library.tag, ownerId: s.library.ownerId, sort: s.library.sort, offset: s.library.offset })));
  const q = useQuery(libraryQuery(filter));
  return {
    ...listView(q, q.data?.items, q.data?.total),
    facets: q.data?.facets ?? { tags: [], owners: [] },
  };
}

/** The launcher's list for the search in the store. */
export function useLauncherList() {
  const query = useAppStore((s) => s.launcher.query);
  const q = useQuery(launcherQuery(query));
  return listView(q, q.data?.items, q.data?.total);
}

/**
 * Whether the member may use any model integration: 'unknown' until the list arrives (or when it
 * cannot be read: the launcher works without knowing, running a prompt says what is missing).
 */
export function useModelsAvailable(): 'unknown' | 'none' | 'some' {
  const { data } = useQuery(integrationsQuery);
  if (!data) return 'unknown';
  return data.some((i) => i.usable) ? 'some' : 'none';
}

function listView<T>(
  q: { isFetching: boolean; isError: boolean; error: unknown; data?: unknown; refetch(): unknown },
  items: T[] | undefined,
  total: number | undefined,
): ListView<T> {
  return {
    items: items ?? EMPTY,
    total: total ?? 0,
    loaded: q.data !== undefined || q.isError,
    loading: q.isFetching,
    error: q.isError ? toFormError(q.error).message : null,
    retry: () => void q.refetch(),
  };
}

const EMPTY: never[] = [];
