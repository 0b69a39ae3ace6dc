import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, invalid } from '../errors';
import { requireApiScope } from '../keys/keys-service';
import { renderOrThrow } from '../render/render-service';
import { chooseModel, launchRun, renderedUserMessage, type RunPlan } from '../runs/run-service';
import { assertActive } from '../users/users-service';
import { VariablesSchema } from '../../../shared/schemas/template';
import type { Conversation } from '../runs/run-registry';
import { conductorToNative } from './conductor-syntax';

/**
 * Conductor's `PromptTemplateTestRequest` (python-sdk src/conductor/client/http/models/prompt_test_request.py,
 * javascript-sdk src/open-api/generated/types.gen.ts): the prompt text, its variables, the
 * integration (`llmProvider`) and model, and sampling.
 */
export const ConductorTestRequestSchema = z.object({
  prompt: z.string().min(1, 'give the prompt text').max(200_000),
  promptVariables: VariablesSchema.default({}),
  llmProvider: z.string().min(1, 'name an integration').max(100),
  model: z.string().min(1, 'name a model').max(200),
  // null is "not set" (a client serializing an unset field as null), as when left out.
  temperature: z.number().min(0).max(2).nullish().transform((v) => v ?? undefined),
  topP: z.number().min(0).max(1).nullish().transform((v) => v ?? undefined),
  stopWords: z.array(z.string().max(200)).max(20).optional(),
});

/** Logged as the prompt name of a Conductor test (no prompt holds its text; no prompt can be named so). */
export const CONDUCTOR_TEST_NAME = '(conductor prompt test)';

/**
 * A provider's rate limit (429) answered here as a provider error (502, Retry-After kept in
 * `retryAfter`): the JavaScript SDK retries a 429 five times without reading Retry-After
 * (javascript-sdk src/sdk/createConductorClient/helpers/fetchWithRetry.ts), which would run the
 * model five more times; it never retries a 502 on a POST. Promptdesk's own per-key limit stays a
 * 429 (no model ran).
 */
function providerLimitAsError(error: AppError): AppError {
  if (error.code !== 'rate_limited') return error;
  const copy = new AppError('provider_error', `The model provider is rate limiting requests: ${error.message}`);
  if (error.retryAfter !== undefined) copy.retryAfter = error.retryAfter;
  return copy;
}

/**
 * Conductor `POST /api/prompts/test`: renders `prompt` with `promptVariables` and runs it on the
 * integration `llmProvider`, model `model`, through the run service every run uses (the same
 * provider call and log, source `api`). Text no prompt holds is an edit-level act (the test
 * panel needs edit permission to run a draft), so a key needs its `write` and `run` scopes; the
 * integration must be one the caller may use. The log entry belongs to no prompt (only its
 * member sees it) and keeps everything, as a new prompt's runs do.
 *
 * @returns the model's whole answer, once the run is logged
 * @throws AppError invalid_input (prompt, promptVariables, model), forbidden, not_found (integration), provider_*
 */
export async function conductorTestPrompt(ctx: Ctx, request: z.output<typeof ConductorTestRequestSchema>, signal?: AbortSignal): Promise<string> {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'write');
  requireApiScope(ctx, 'run');
  if (request.llmProvider.includes(':')) throw invalid('llmProvider is the integration name, without ":"', 'llmProvider');
  let messages;
  try {
    ({ messages } = renderOrThrow({ kind: 'text', text: conductorToNative(request.prompt) }, request.promptVariables, []));
  } catch (error) {
    // The text is the request's `prompt`; a variable at fault is one of `promptVariables`.
    if (error instanceof AppError && error.field) throw error.with({ field: error.field.startsWith('variables') ? error.field.replace(/^variables/, 'promptVariables') : 'prompt' });
    throw error;
  }
  const model = chooseModel(ctx, `${request.llmProvider}:${request.model}`, { models: [] });
  const conversation: Conversation = {
    id: randomUUID(),
    ownerId: ctx.actor.id,
    // No prompt: a reply to this conversation finds none and answers "not found".
    promptId: '',
    promptName: CONDUCTOR_TEST_NAME,
    version: null,
    model: model.ref,
    settings: { temperature: request.temperature },
    dataLogging: 'full',
    variables: request.promptVariables,
    messages,
    running: false,
    touchedAt: Date.now(),
  };
  const plan: RunPlan = {
    promptId: null,
    promptName: CONDUCTOR_TEST_NAME,
    version: null,
    model,
    settings: { models: [], temperature: request.temperature },
    messages,
    variables: request.promptVariables,
    source: 'api',
    conversation,
    displayText: renderedUserMessage(messages),
    ephemeral: true,
    sampling: { topP: request.topP, stopSequences: request.stopWords?.length ? request.stopWords : undefined },
  };
  const run = launchRun(ctx, plan, { signal });
  await run.done;
  if (run.error) throw providerLimitAsError(run.error);
  if (run.status === 'cancelled') throw new AppError('provider_error', 'The run was cancelled');
  return run.output;
}
