import type { QueryClient } from '@tanstack/react-query';

/**
 * Invalidates the keys a burst of events touches (live-refresh.ts refetchKeys): the queries on
 * screen refetch (the open prompt's editor follows its prompt by its save/dirty rules), the rest
 * are marked stale, so a screen opened later reads afresh.
 */
export function applyRefetch(keys: readonly (readonly unknown[])[], client: QueryClient): void {
  for (const queryKey of keys) void client.invalidateQueries(queryKey.length === 0 ? undefined : { queryKey });
}
