import { channel, NoInput } from '../channel';
import { PromptRefInput } from '../../../shared/schemas/prompts';
import { syncNow, syncStatus, unsyncedVersions } from './sync-service';
import { moveToTeamNow } from './move-to-team';

/** The sync area's contract channels (the sync indicator, "Sync now", "not yet synced" on versions). */
export const SYNC_CHANNELS = {
  /** Online / offline / syncing, last synced, pending count, notices; null when not joined to a team. */
  'sync:status': channel(NoInput, (ctx) => syncStatus(ctx)),
  'sync:now': channel(NoInput, (ctx) => syncNow(ctx)),
  /** Version numbers of a prompt saved here and not yet on the team server. */
  'sync:unsynced-versions': channel(PromptRefInput, (ctx, input) => unsyncedVersions(ctx, input.name)),
  /** "Move to team…": a personal prompt (with its versions) becomes a team prompt; a name the team already uses is refused at `name`. */
  'sync:move-to-team': channel(PromptRefInput, (ctx, input) => moveToTeamNow(ctx, input.name)),
};
