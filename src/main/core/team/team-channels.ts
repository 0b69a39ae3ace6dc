import { hostname } from 'node:os';
import { channel, NoInput, type HostInfo } from '../channel';
import { AppError } from '../errors';
import { TeamJoinInput, TeamLeaveInput } from '../../../shared/schemas/team';
import { leaveTeamWorkspace, startTeamJoin, teamLinkStatus, type TeamHostHooks } from './team-link-service';

/** The host's team hooks; a host without them (a test host) cannot join. */
function hooksOf(host: HostInfo): TeamHostHooks {
  if (!host.team) throw new AppError('invalid_input', 'This host cannot join a team workspace', 'serverUrl');
  return host.team;
}

/** The team link's contract channels (Settings → Team on a desktop or headless host). */
export const TEAM_CHANNELS = {
  /** Joined (team, member, device name), joining, or neither; whether this folder is itself a team server. */
  'team:link': channel(NoInput, (ctx) => teamLinkStatus(ctx)),
  /** Starts joining: answers the sign-in address once it can be opened, and whether the host opened it. */
  'team:join': channel(TeamJoinInput, (ctx, input, host) =>
    startTeamJoin(ctx, { serverUrl: input.serverUrl, deviceName: input.deviceName || `${hostname()} (${host.appInfo(ctx).mode === 'headless' ? 'headless' : 'desktop'})` }, hooksOf(host)),
  ),
  /** Leaves: revokes the device on the server when reachable, removes the team's prompts here. */
  'team:leave': channel(TeamLeaveInput, (ctx, input, host) => leaveTeamWorkspace(ctx, hooksOf(host), fetch, { keepUnsent: input.keepUnsent })),
};
