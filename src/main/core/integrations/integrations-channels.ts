import { channel, NoInput } from '../channel';
import { checkModels, deleteIntegration, listIntegrations, saveIntegration, secretStorageInfo, testIntegration } from './integrations';
import { CheckModelsInput, IntegrationRefInput, SaveIntegrationInput, TestIntegrationInput } from '../../../shared/schemas/integrations';

/** The integrations area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const INTEGRATIONS_CHANNELS = {
  /** Admins see every integration; members see the ones they may use. */
  'integrations:list': channel(NoInput, (ctx) => listIntegrations(ctx)),
  'integrations:save': channel(SaveIntegrationInput, (ctx, input) => saveIntegration(ctx, input)),
  'integrations:delete': channel(IntegrationRefInput, (ctx, input) => deleteIntegration(ctx, input.id)),
  'integrations:test': channel(TestIntegrationInput, (ctx, input) => testIntegration(ctx, input)),
  'integrations:secret-storage': channel(NoInput, (ctx) => secretStorageInfo(ctx)),
  /** The editor's warnings for model references, one per reference (core/integrations checkModels). */
  'integrations:check-models': channel(CheckModelsInput, (ctx, input) => checkModels(ctx, input.models)),
};
