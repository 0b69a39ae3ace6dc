import { channel, NoInput } from '../channel';
import { getReadiness, readinessSettings, setReadinessRequired, tickReadiness } from './readiness-service';
import { PromptRefInput } from '../../../shared/schemas/prompts';
import { ReadinessRequiredInput, ReadinessTickInput } from '../../../shared/schemas/readiness';

/** The readiness area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const READINESS_CHANNELS = {
  /** The deployment readiness checklist of a prompt (read permission). */
  'readiness:get': channel(PromptRefInput, (ctx, input) => getReadiness(ctx, input.name)),
  'readiness:tick': channel(ReadinessTickInput, (ctx, input) => tickReadiness(ctx, input)),
  'readiness:settings': channel(NoInput, (ctx) => readinessSettings(ctx)),
  /** Admins: require the checklist before widening access to everyone. */
  'readiness:set-required': channel(ReadinessRequiredInput, (ctx, input) => setReadinessRequired(ctx, input.required)),
};
