import { channel } from '../channel';
import { addShare, getSharing, removeShare, setSharingLevel } from './sharing-service';
import { PromptRefInput } from '../../../shared/schemas/prompts';
import { AddShareInput, RemoveShareInput, SetSharingLevelInput } from '../../../shared/schemas/sharing';

/** The sharing area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const SHARING_CHANNELS = {
  'sharing:get': channel(PromptRefInput, (ctx, input) => getSharing(ctx, input.name)),
  'sharing:set-level': channel(SetSharingLevelInput, (ctx, input) => setSharingLevel(ctx, input)),
  'sharing:add': channel(AddShareInput, (ctx, input) => addShare(ctx, input)),
  'sharing:remove': channel(RemoveShareInput, (ctx, input) => removeShare(ctx, input)),
};
