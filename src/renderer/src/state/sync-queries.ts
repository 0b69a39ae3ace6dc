import { useEffect } from 'react';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';
import { onChanges } from '../lib/app-events';

/** The sync's query keys (its own prefix: nothing else invalidates them). */
export const syncKeys = {
  all: ['sync'] as const,
  status: ['sync', 'status'] as const,
  unsynced: (promptName: string) => ['sync', 'unsynced', promptName] as const,
};

/**
 * How often the indicator re-reads the status while the window is open: a view refresh for
 * "last synced N min ago" and offline -> online, not a sync (the engine syncs on change events
 * and the server's signal, docs/sync.md).
 */
export const SYNC_STATUS_REFRESH_MS = 15_000;

/**
 * How often it re-reads while the status says a pass is running. A pass that ends having written
 * nothing (a pull with nothing new, a push of runs) makes no change event, so a status read during
 * it would show "Syncing…" until the next 15-s refresh (CI's team-journey saw it after Sync now).
 */
export const SYNCING_REFRESH_MS = 1_000;

/** The status query (null: this data folder joined no team): re-read every SYNC_STATUS_REFRESH_MS, every SYNCING_REFRESH_MS while syncing. */
export const syncStatusQuery = queryOptions({
  queryKey: syncKeys.status,
  queryFn: () => unwrap(api.sync.status({})),
  refetchInterval: (query) => (query.state.data?.state === 'syncing' ? SYNCING_REFRESH_MS : SYNC_STATUS_REFRESH_MS),
});

/** The sync status (null: this data folder joined no team); re-read after every change batch. */
export function useSyncStatus() {
  const client = useQueryClient();
  useEffect(() => onChanges(() => void client.invalidateQueries({ queryKey: syncKeys.all })), [client]);
  const q = useQuery(syncStatusQuery);
  // A sync that ended may have renumbered versions (their final numbers) without a change event:
  // what is on screen is read again once per completed sync.
  const lastSyncedAt = q.data?.lastSyncedAt ?? null;
  useEffect(() => {
    if (lastSyncedAt) void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'sync' || query.queryKey[1] !== 'status' });
  }, [client, lastSyncedAt]);
  return q;
}

/** "Sync now": answers the status after, which replaces the shown one. */
export function useSyncNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.sync.now({})),
    onSuccess: (status) => {
      client.setQueryData(syncKeys.status, status);
      // A pull may rewrite what is on screen without a change event (a version's final number,
      // its author as the server recorded it): refetch everything shown.
      void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'sync' || query.queryKey[1] !== 'status' });
    },
  });
}

/** The numbers of a prompt's versions saved here and not yet on the team server. */
export function useUnsyncedVersions(promptName: string): ReadonlySet<number> {
  const q = useQuery({ queryKey: syncKeys.unsynced(promptName), queryFn: () => unwrap(api.sync.unsyncedVersions({ name: promptName })) });
  return new Set(q.data?.numbers ?? []);
}
