import { QueryClient, type QueryKey } from '@tanstack/react-query';

/**
 * The renderer's one cache of server state (TanStack Query): every list and record a screen
 * shows is a query under a key from state/query-keys.ts, so loading, error and staleness live
 * here once, an answer for an old key never lands on a newer one, and "refetch what this event
 * touches" is an invalidation by key (state/live-refresh.ts).
 *
 * - `retry: false`: a failed load shows its message in place at once, as the screens always did;
 *   "Try again" refetches.
 * - `staleTime: 0` with refetch on mount: opening a screen reads it afresh, as before; change
 *   events keep what is on screen current in between.
 * - No refetch on window focus or reconnect: the change stream already says what moved.
 */

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, staleTime: 0, refetchOnWindowFocus: false, refetchOnReconnect: false },
    mutations: { retry: false },
  },
});

/**
 * How long (ms) an answer of a query read by several parts of a page at once is reused instead of
 * asked again: the versions list with its deployment and the workspace's integrations. The test
 * panel's load fetches them, then its inputs, the model picker and the launcher note mount on the
 * answers; with staleTime 0 each mount asked again (opening one editor read versions, deployment
 * and integrations twice each, and every quick switch between prompts twice more: issue 13
 * attack N4). Safe for these because every change to them is an event that invalidates them
 * whatever their age (state/live-refresh.ts: version.*, deployment.pinned, integration.changed,
 * access.changed) and this window's own changes invalidate them too. Queries whose changes are
 * not all events (Refine's preparation) keep staleTime 0.
 */
export const FRESH_MS = 10_000;

/**
 * Writes the server's answer (or a value shown before it arrives) into the query `queryKey`. A
 * fetch of that query already on its way is cancelled first: it was asked before the change, so
 * its older answer must not land on top of this one (TanStack Query's optimistic-update rule).
 */
export async function writeQuery<T>(queryKey: QueryKey, data: T | ((old: T | undefined) => T | undefined)): Promise<void> {
  await queryClient.cancelQueries({ queryKey, exact: true });
  queryClient.setQueryData<T>(queryKey, data as T);
}
