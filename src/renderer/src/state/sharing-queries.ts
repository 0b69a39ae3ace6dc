import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import { queryKeys } from './query-keys';
import { shareCandidates } from './sharing-slice';
import { useAppStore } from './store';

/** One prompt's sharing (level, owner, shares, what the member may do). */
export const sharingQuery = (name: string) => queryOptions({ queryKey: queryKeys.sharing(name), queryFn: () => unwrap(api.sharing.get({ name })) });

/** Members whose name or email matches `text` (nothing is asked for blank text); earlier matches stay while the next load. */
export const userSearchQuery = (text: string) =>
  queryOptions({
    queryKey: queryKeys.userSearch(text),
    queryFn: () => unwrap(api.users.search({ query: text })),
    enabled: text.trim() !== '',
    placeholderData: keepPreviousData,
  });

/** The Sharing tab's data: `info` null until it arrives (a failed refetch keeps the last one). */
export function useSharing(name: string) {
  const q = useQuery(sharingQuery(name));
  return { info: q.data ?? null, isError: q.isError, error: q.isError ? toFormError(q.error).message : null, retry: () => void q.refetch() };
}

/** The members to suggest for what is typed in "Share with" (already debounced), for the prompt `name`. */
export function useShareSuggestions(name: string, text: string): User[] {
  const { data } = useQuery(userSearchQuery(text));
  const { info } = useSharing(name);
  const me = useAppStore((s) => s.session.info?.currentUser.id);
  return text.trim() === '' || !data ? NO_USERS : shareCandidates(data, info, me);
}

const NO_USERS: User[] = [];
