import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, notFound } from '../errors';
import { assertActive } from '../users/users-service';
import { cancelRun, chooseModel, launchRun, offeredModels, ownRun, watchRun, type RunPlan } from '../runs/run-service';
import type { ActiveRun, Conversation } from '../runs/run-registry';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { WatchRunInput } from '../../../shared/schemas/runs';
import type {
  PrepareRefineInput,
  RefineApiBody,
  RefinePreparation,
  RefineProgress,
  RefineResult,
  RefineStarted,
  StartRefineInput,
} from '../../../shared/schemas/refine';
import { loadRefineContext } from './refine-context';
import { refineMessages } from './refine-prompt';
import { readRefineAnswer } from './refine-answer';

export { saveRefined } from './save-refined';

/** What a refine run needs once it ends: the version it refines, to read the answer against. */
interface Turn {
  base: PromptVersion;
  prompt: string;
  model: string;
  /** Read once, the first time someone asks after the run succeeded. */
  result?: RefineResult;
}

// Keyed by the registry's run object: a turn is forgotten with its run, and only runs started
// here are refine runs (a chat run's id given to refine:watch is not found).
const turns = new WeakMap<ActiveRun, Turn>();

type RefineConversation = z.output<typeof StartRefineInput>['messages'];

/**
 * A refine turn as a run plan: the chat machinery (registry, streaming, Stop, provider errors,
 * logging by the prompt's data-logging level) runs it with source `refine`. Everything that can
 * be refused (prompt, access, version, model) is refused here, before the provider is called.
 */
function planRefine(ctx: Ctx, input: { name: string; version?: number; model?: string; messages: RefineConversation }): { plan: RunPlan; base: PromptVersion } {
  assertActive(ctx.actor);
  const context = loadRefineContext(ctx, input.name, input.version);
  const { row, version } = context;
  const model = chooseModel(ctx, input.model, version.modelSettings);
  const messages = refineMessages(context, input.messages);
  const conversation: Conversation = {
    id: randomUUID(),
    ownerId: ctx.actor.id,
    promptId: row.id,
    promptName: row.name,
    version: version.number,
    model: model.ref,
    // The model's own defaults: the prompt's temperature and max tokens are for its answers, not for rewriting it.
    settings: {},
    dataLogging: row.data_logging,
    variables: {},
    messages,
    running: false,
    touchedAt: Date.now(),
  };
  const request = input.messages.at(-1)?.content ?? '';
  return {
    plan: {
      promptId: row.id,
      promptName: row.name,
      version: version.number,
      model,
      settings: { models: [] },
      messages,
      variables: {},
      source: 'refine',
      conversation,
      displayText: request,
      ephemeral: true,
    },
    base: version,
  };
}

function launch(ctx: Ctx, input: Parameters<typeof planRefine>[1], hooks: Parameters<typeof launchRun>[2] = {}): { run: ActiveRun; turn: Turn } {
  const { plan, base } = planRefine(ctx, input);
  const run = launchRun(ctx, plan, hooks);
  const turn: Turn = { base, prompt: plan.promptName, model: plan.model.ref };
  turns.set(run, turn);
  return { run, turn };
}

const startedOf = (run: ActiveRun, turn: Turn): RefineStarted => ({ runId: run.id, prompt: turn.prompt, version: turn.base.number, model: turn.model });

/** The finished turn, read from the model's answer; null until the run has succeeded. */
function resultOf(run: ActiveRun, turn: Turn): RefineResult | null {
  if (run.status !== 'success') return null;
  turn.result ??= {
    runId: run.id,
    prompt: turn.prompt,
    version: turn.base.number,
    model: turn.model,
    ...readRefineAnswer(run.output, turn.base),
    usage: run.usage,
    latencyMs: run.latencyMs ?? 0,
  };
  return turn.result;
}

function refineRun(ctx: Ctx, runId: string): { run: ActiveRun; turn: Turn } {
  const run = ownRun(ctx, runId);
  const turn = turns.get(run);
  if (!turn) throw notFound('Refine run');
  return { run, turn };
}

/**
 * What the refine panel needs before the first turn: the version it refines, the models the
 * member may pick (the integrations' rule, as chat offers them), how many test cases go along,
 * and whether they may save a proposal.
 */
export function prepareRefine(ctx: Ctx, input: z.output<typeof PrepareRefineInput>): RefinePreparation {
  assertActive(ctx.actor);
  const context = loadRefineContext(ctx, input.name, input.version);
  const models = offeredModels(ctx, context.version.modelSettings);
  return {
    prompt: context.row.name,
    version: context.version.number,
    variables: context.version.detectedVariables,
    models,
    defaultModel: models[0] ?? null,
    testCases: context.testCases.length,
    canSave: context.canEdit,
  };
}

/** Starts one refine turn (`refine:start`); follow it with watchRefine, stop it with cancelRefine. */
export function startRefine(ctx: Ctx, input: z.output<typeof StartRefineInput>): RefineStarted {
  const { run, turn } = launch(ctx, input);
  return startedOf(run, turn);
}

/** Long poll as watchRun; `result` is set once the turn succeeded (its answer read). */
export async function watchRefine(ctx: Ctx, input: z.output<typeof WatchRunInput>): Promise<RefineProgress> {
  const { run, turn } = refineRun(ctx, input.runId);
  const progress = await watchRun(ctx, input);
  return { ...progress, result: resultOf(run, turn) };
}

/** Stop: cancels the turn and answers its final progress (no result unless it had already finished). */
export async function cancelRefine(ctx: Ctx, runId: string): Promise<RefineProgress> {
  const { run, turn } = refineRun(ctx, runId);
  const progress = await cancelRun(ctx, runId);
  return { ...progress, result: resultOf(run, turn) };
}

/**
 * `POST /api/v1/prompts/{name}/refine`: as beginApiRun, everything that can be refused is
 * refused before this returns (so a streaming route can still answer a plain problem+json);
 * `finished` settles with the result once the turn is logged, or rejects with the provider's
 * error (or a cancellation).
 */
export function beginApiRefine(
  ctx: Ctx,
  name: string,
  body: z.output<typeof RefineApiBody>,
  hooks: { onDelta?: (text: string) => void; signal?: AbortSignal } = {},
): { started: RefineStarted; finished: Promise<RefineResult> } {
  const { run, turn } = launch(ctx, { name, version: body.version, model: body.model, messages: body.messages }, hooks);
  const finished = run.done.then((): RefineResult => {
    if (run.error) throw run.error;
    const result = resultOf(run, turn);
    if (!result) throw new AppError('provider_error', 'The refine was cancelled');
    return result;
  });
  return { started: startedOf(run, turn), finished };
}
