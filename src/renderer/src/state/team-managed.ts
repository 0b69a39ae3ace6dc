import { useSharing } from './sharing-queries';

/** What a team prompt's or member's refused actions say instead (attack 14c L4). */
export const TEAM_MANAGED_REASON = 'Change this on the team server';

/**
 * Whether `promptName` is a team prompt held in this desktop's replica, as the core reports it
 * (sharing-service.ts sets `decidedOnTeamServer` from access.ts isTeamReplica, the same test
 * refuseUnsentTeamChange applies to commit, unarchive and the API pin): those actions are then
 * shown disabled with {@link TEAM_MANAGED_REASON} instead of being refused after a click.
 * False while the sharing information is loading or unreadable (the core still refuses).
 */
export function useTeamManagedPrompt(promptName: string): boolean {
  return useSharing(promptName).info?.decidedOnTeamServer === true;
}
