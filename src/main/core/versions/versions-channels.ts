import { channel } from '../channel';
import { compareVersions } from './compare';
import { commitVersion, deleteVersion, getDeployment, listPromotions, pinDeployment, promoteVersion, restoreVersion, unarchiveVersion } from './lifecycle';
import { getVersion, listVersions, saveVersion } from './versions-service';
import { PromptRefInput, SaveVersionInput, VersionRefInput } from '../../../shared/schemas/prompts';
import { CompareInput, PinInput, PromoteInput, PromotionsInput } from '../../../shared/schemas/versions';

/** The versions area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const VERSIONS_CHANNELS = {
  'versions:save': channel(SaveVersionInput, (ctx, input) => saveVersion(ctx, input)),
  'versions:list': channel(PromptRefInput, (ctx, input) => listVersions(ctx, input.name)),
  'versions:get': channel(VersionRefInput, (ctx, input) => getVersion(ctx, input.name, input.number)),
  'versions:commit': channel(VersionRefInput, (ctx, input) => commitVersion(ctx, input.name, input.number)),
  'versions:promote': channel(PromoteInput, (ctx, input) => promoteVersion(ctx, input)),
  'versions:unarchive': channel(VersionRefInput, (ctx, input) => unarchiveVersion(ctx, input.name, input.number)),
  'versions:restore': channel(VersionRefInput, (ctx, input) => restoreVersion(ctx, input.name, input.number)),
  'versions:delete': channel(VersionRefInput, (ctx, input) => deleteVersion(ctx, input.name, input.number)),
  'versions:compare': channel(CompareInput, (ctx, input) => compareVersions(ctx, input.name, input.from, input.to)),
  'promotions:list': channel(PromotionsInput, (ctx, input) => listPromotions(ctx, input)),
  'deployment:get': channel(PromptRefInput, (ctx, input) => getDeployment(ctx, input.name)),
  'deployment:pin': channel(PinInput, (ctx, input) => pinDeployment(ctx, input.name, input.version)),
};
