import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';
import { syncKeys } from './sync-queries';

/** Settings → Team's query keys (the joined team, or a join waiting for the browser). */
export const teamLinkKeys = { link: ['team-link'] as const };

/**
 * While a join waits for the member to sign in and allow the device in the browser, the status is
 * read again this often: the answer arrives at the host's loopback listener, not through the
 * change stream. Only while joining; never otherwise.
 */
export const JOINING_REFRESH_MS = 1000;

/** Joined (team, member, device), joining, or neither (channel `team:link`). */
export function useTeamLink() {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: teamLinkKeys.link,
    queryFn: () => unwrap(api.team.link({})),
    refetchInterval: (query) => (query.state.data?.joining ? JOINING_REFRESH_MS : false),
  });
  // Joined or left: the sync indicator and every list of prompts change with it.
  const joinedId = q.data?.joined?.team.id ?? null;
  const seen = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (q.data === undefined) return;
    if (seen.current !== undefined && seen.current !== joinedId) void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== teamLinkKeys.link[0] });
    seen.current = joinedId;
  }, [client, joinedId, q.data]);
  return q;
}

/** Starts joining: answers the sign-in address and whether the host opened it. */
export function useJoinTeam() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { serverUrl: string; deviceName?: string }) => unwrap(api.team.join(input)),
    onSettled: () => void client.invalidateQueries({ queryKey: teamLinkKeys.link }),
  });
}

/** Leaves the team: the device token revoked on the server when reachable, the team's prompts removed here. */
export function useLeaveTeam() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { keepUnsent: boolean }) => unwrap(api.team.leave(input)),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: teamLinkKeys.link });
      void client.invalidateQueries({ queryKey: syncKeys.all });
    },
  });
}
