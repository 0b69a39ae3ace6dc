import { channel } from '../channel';
import { createPrompt, deletePrompt, getPrompt, listPrompts, listRunnablePrompts, setApiSettings, setDataLogging, updatePrompt } from './prompts-service';
import { CreatePromptInput, ListPromptsInput, PromptRefInput, SetApiSettingsInput, UpdatePromptInput } from '../../../shared/schemas/prompts';
import { SetDataLoggingInput } from '../../../shared/schemas/runs';

/** The prompts area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const PROMPTS_CHANNELS = {
  'prompts:list': channel(ListPromptsInput, (ctx, input) => listPrompts(ctx, input)),
  'prompts:runnable': channel(ListPromptsInput, (ctx, input) => listRunnablePrompts(ctx, input)),
  'prompts:get': channel(PromptRefInput, (ctx, input) => getPrompt(ctx, input.name)),
  'prompts:create': channel(CreatePromptInput, (ctx, input) => createPrompt(ctx, input)),
  'prompts:delete': channel(PromptRefInput, (ctx, input) => deletePrompt(ctx, input.name)),
  'prompts:set-api': channel(SetApiSettingsInput, (ctx, input) => setApiSettings(ctx, input)),
  'prompts:set-logging': channel(SetDataLoggingInput, (ctx, input) => setDataLogging(ctx, input.name, input.level)),
  /** Title, description, tags or slash command (edit permission); the readiness checklist's naming item is fixed here. */
  'prompts:update': channel(UpdatePromptInput, (ctx, input) => updatePrompt(ctx, input)),
};
