import { keepPreviousData, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UserRef, VersionSummary } from '../../../shared/schemas/prompts';
import type { Promotion } from '../../../shared/schemas/versions';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { FRESH_MS } from '../lib/query-client';
import { localDayRange } from '../lib/local-day';
import { queryKeys, type PromotionFilter } from './query-keys';
import { useAppStore } from './store';

/**
 * One prompt's Versions and History tabs as queries under `['prompt', name, ...]`: the versions
 * list with the API deployment, one version opened read-only, a comparison of two versions and
 * the promotion history for a filter. A version action (versions-slice.ts) or a change event
 * (live-refresh.ts) invalidates them by key.
 */

/** The versions (newest first) and what the API serves. */
export const versionsQuery = (name: string) =>
  queryOptions({
    queryKey: queryKeys.versions(name),
    // Read by the test panel's load and several components mounting with it: one request (FRESH_MS).
    staleTime: FRESH_MS,
    queryFn: async () => {
      const [items, deployment] = await Promise.all([unwrap(api.versions.list({ name })), unwrap(api.deployment.get({ name }))]);
      return { items, deployment };
    },
  });

/** One version in full, for the read-only view. */
export const versionQuery = (name: string, number: number) =>
  queryOptions({ queryKey: queryKeys.version(name, number), queryFn: () => unwrap(api.versions.get({ name, number })) });

/** What changed from one version to another; the previous comparison stays while another pair loads. */
export const comparisonQuery = (name: string, from: number, to: number) =>
  queryOptions({
    queryKey: queryKeys.comparison(name, from, to),
    queryFn: () => unwrap(api.versions.compare({ name, from, to })),
    placeholderData: keepPreviousData,
  });

/**
 * Promotions of a prompt matching a filter, newest first. The days are the user's local days,
 * converted as the Logs filters convert them; a filter whose days cannot be converted is not a
 * query (see useHistory).
 */
export const historyQuery = (name: string, filter: PromotionFilter, range: { from?: string; to?: string }) =>
  queryOptions({
    queryKey: queryKeys.history(name, filter),
    queryFn: () => unwrap(api.promotions.list({ name, ...(filter.userId ? { userId: filter.userId } : {}), ...range })),
    placeholderData: keepPreviousData,
  });

/** The Versions tab's data for the prompt whose page is open. */
export function useVersions(name: string) {
  const q = useQuery(versionsQuery(name));
  return {
    items: q.data?.items ?? NO_VERSIONS,
    deployment: q.data?.deployment ?? null,
    /** 'ready' once a list arrived; a refetch keeps it ready (the table stays while it reloads). */
    status: q.data ? 'ready' : q.isError ? 'error' : 'loading',
    error: q.isError ? toFormError(q.error).message : null,
    retry: () => void q.refetch(),
  } as const;
}

/**
 * The pair to compare: the one picked when both versions still exist, else the previous version
 * against the newest (`items` newest first); null with fewer than two versions.
 */
export function comparePair(items: readonly Pick<VersionSummary, 'number'>[], from: number | null, to: number | null): { from: number; to: number } | null {
  if (items.length < 2) return null;
  const numbers = new Set(items.map((v) => v.number));
  if (from !== null && to !== null && numbers.has(from) && numbers.has(to)) return { from, to };
  return { from: items[1]!.number, to: items[0]!.number };
}

/** The History tab: promotions for the filter in the store, and the error to show (a bad day names its field). */
export function useHistory(name: string) {
  const filter = useAppStore((s) => s.history.filter);
  const days = localDayRange(filter, 'inclusive');
  const range = 'range' in days ? days.range : null;
  const q = useQuery({ ...historyQuery(name, filter, range ?? {}), enabled: range !== null });
  const error: FormError | null = range === null && 'error' in days ? days.error : q.isError ? toFormError(q.error) : null;
  return {
    items: q.data ?? NO_PROMOTIONS,
    status: q.data ? 'ready' : error ? 'error' : 'loading',
    error,
    people: usePromoters(name),
    retry: () => void q.refetch(),
  } as const;
}

/**
 * Everyone seen promoting this prompt in any History answer still cached, sorted by name, so the
 * "Promoted by" menu does not shrink as it filters.
 */
function usePromoters(name: string): UserRef[] {
  const client = useQueryClient();
  const pages = client.getQueriesData<Promotion[]>({ queryKey: queryKeys.part(name, 'history') });
  return promoters(pages.flatMap(([, items]) => items ?? []));
}

/** The distinct members who promoted in `items`, sorted by name (else email). */
export function promoters(items: readonly Promotion[]): UserRef[] {
  const byId = new Map(items.map((item) => [item.promotedBy.id, item.promotedBy]));
  return [...byId.values()].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

const NO_VERSIONS: VersionSummary[] = [];
const NO_PROMOTIONS: Promotion[] = [];
