import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Integration } from '../../../shared/schemas/integrations';
import type { ApiKeyListItem, User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import { FRESH_MS } from '../lib/query-client';
import { queryKeys } from './query-keys';

/**
 * Settings' server state as queries: members, a member's access list, API keys and model
 * integrations (each as the acting member may see them; a member switch resets every query).
 * The slices of the same names hold only their forms, dialogs and messages, and update or
 * invalidate these after a change.
 */

export const membersQuery = queryOptions({ queryKey: queryKeys.memberList, queryFn: () => unwrap(api.users.list()) });

/** Which prompts a member may do what with, and why. */
export const memberAccessQuery = (userId: string) =>
  queryOptions({ queryKey: queryKeys.memberAccess(userId), queryFn: () => unwrap(api.users.access({ userId })) });

export const keysQuery = queryOptions({ queryKey: queryKeys.keys, queryFn: () => unwrap(api.keys.list()) });

/** The model integrations the member may see, each saying whether they may use it. */
export const integrationsQuery = queryOptions({
  queryKey: queryKeys.integrations,
  queryFn: () => unwrap(api.integrations.list()),
  // The test panel, the model picker and the launcher note read it at once: one request (FRESH_MS).
  staleTime: FRESH_MS,
});

/** What a Settings list shows: its items ([] until they arrive), whether it is still loading, its error. */
export interface SettingsList<T> {
  items: T[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

function settingsList<T>(q: { data?: T[]; isError: boolean; error: unknown }): SettingsList<T> {
  return {
    items: q.data ?? (EMPTY as T[]),
    // A list that arrived stays shown (and 'ready') while it refetches or after a failed refetch.
    status: q.data ? 'ready' : q.isError ? 'error' : 'loading',
    error: q.isError ? toFormError(q.error).message : null,
  };
}

export const useMembers = (): SettingsList<User> => settingsList(useQuery(membersQuery));
export const useKeys = (): SettingsList<ApiKeyListItem> => settingsList(useQuery(keysQuery));
export const useIntegrations = (): SettingsList<Integration> => settingsList(useQuery(integrationsQuery));

const EMPTY: never[] = [];
