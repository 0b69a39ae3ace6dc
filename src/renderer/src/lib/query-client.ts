import { QueryClient, type QueryKey } from '@tanstack/react-query';

/**
 * The renderer's one cache of server state (TanStack Query): every list and record a screen
 * shows is a query under a key from state/query-keys.ts, so loading, error and staleness live
 * here once, an answer for an old key never lands on a newer one, and "refetch what this event
 * touches" is an invalidation by key (state/live-refresh.ts).
 *
 * - `retry: false`: a failed load shows its message in place at once, as the screens always did;
 *   "Try again" refetches.
 * - `staleTime: FRESH_MS`: an answer younger than that is reused by the next component or
 *   `fetchQuery` that asks (the test panel's load, then its inputs and the model picker mounting
 *   with it; quick switches between prompts), instead of a second identical request (with 0,
 *   opening one editor asked versions, deployment and integrations twice each, issue 13 attack
 *   N4). Freshness never hides a change: every change event invalidates what it touches whatever
 *   its age (state/live-refresh.ts), and older answers are read again on mount as before.
 * - No refetch on window focus or reconnect: the change stream already says what moved.
 */
export const FRESH_MS = 10_000;

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, staleTime: FRESH_MS, refetchOnWindowFocus: false, refetchOnReconnect: false },
    mutations: { retry: false },
  },
});

/**
 * Writes the server's answer (or a value shown before it arrives) into the query `queryKey`. A
 * fetch of that query already on its way is cancelled first: it was asked before the change, so
 * its older answer must not land on top of this one (TanStack Query's optimistic-update rule).
 */
export async function writeQuery<T>(queryKey: QueryKey, data: T | ((old: T | undefined) => T | undefined)): Promise<void> {
  await queryClient.cancelQueries({ queryKey, exact: true });
  queryClient.setQueryData<T>(queryKey, data as T);
}
