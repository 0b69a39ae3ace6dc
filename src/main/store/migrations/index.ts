import type { Migration } from './types';
import { initial } from './0010-initial';
import { versionsLifecycle } from './0020-versions-lifecycle';
import { sharing } from './0030-sharing';
import { apiAccess } from './0040-api-access';
import { compatExtra } from './0050-compat-extra';
import { runsAndLogs } from './0060-runs-and-logs';
import { versionHighWater } from './0070-version-high-water';
import { searchText } from './0080-search-text';
import { loginLinks } from './0090-login-links';
import { versionUpdatedBy } from './0120-version-updated-by';
import { openWebUiSnapshots } from './0130-openwebui-snapshots';
import { respanVersionParams } from './0140-respan-version-params';
import { readiness } from './0150-readiness';
import { ratedBy } from './0180-rated-by';
import { changes } from './0190-changes';
import { accessConfirmed } from './0210-access-confirmed';
import { team } from './0220-team';
import { syncSeq } from './0230-sync-seq';
import { syncReplica } from './0240-sync-replica';
import { changesOldAccess } from './0250-changes-old-access';
import { syncPromptOps } from './0260-sync-prompt-ops';
import { teamMembers } from './0270-team-members';
import { syncSent } from './0290-sync-sent';
import { logsStats } from './0310-logs-stats';
import { logsVersion } from './0320-logs-version';

/** Every migration in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [initial, versionsLifecycle, sharing, apiAccess, compatExtra, runsAndLogs, versionHighWater, searchText, loginLinks, versionUpdatedBy, openWebUiSnapshots, respanVersionParams, readiness, ratedBy, changes, accessConfirmed, team, syncSeq, syncReplica, changesOldAccess, syncPromptOps, teamMembers, syncSent, logsStats, logsVersion];

export type { Migration };
