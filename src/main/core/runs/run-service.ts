import type { Action } from '../../../shared/schemas/sharing';
import { storageErrorOf } from '../../store/storage-errors';
import { randomUUID } from 'node:crypto';
import { createIdGenerator, streamText } from 'ai';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, invalid, notFound, promptNotFound } from '../errors';
import { canReadText, requirePrompt } from '../sharing/access';
import { getVersion, servedVersion, alignVariables } from '../versions/versions-service';
import { renderOrThrow } from '../render/render-service';
import { providerSecrets, resolveModel, usableModels, type ResolvedModel } from '../integrations/integrations';
import { guardedFetch } from '../integrations/guarded-fetch';
import { languageModel } from '../integrations/providers';
import { assertActive } from '../users/users-service';
import { providerFailure } from './run-errors';
import { testCaseMatching } from './test-cases-service';
import type { ActiveRun, Conversation } from './run-registry';
import type { LogRecord } from '../../store/repos/logs-repo';
import { analyzeTemplate, renderTemplate, type ChatMessage, type Template, type VariableMeta } from '../../../shared/template/template';
import type {
  RunApiBody,
  RunProgress,
  RunResult,
  RunSource,
  RunStarted,
  RunnablePrompt,
  StartRunInput,
  WatchRunInput,
} from '../../../shared/schemas/runs';
import type { ModelSettings } from '../../../shared/schemas/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import { levelKeeps } from '../logs/logging-level';
import type { RunSpanExtras } from '../telemetry/run-span';

type Variables = Record<string, string | number | boolean>;

/** Everything decided before the provider is called: what to send, to whom, and what to log. */
export interface RunPlan {
  /** Null for a run of text that belongs to no prompt (Conductor's prompt test, core/compat/conductor-test.ts). */
  promptId: string | null;
  promptName: string;
  version: number | null;
  model: ResolvedModel;
  settings: ModelSettings;
  messages: ChatMessage[];
  variables: Variables;
  source: RunSource;
  conversation: Conversation;
  /** What the chat shows for the member's turn. */
  displayText: string;
  /**
   * Not kept for replies: a refine turn's caller sends the whole conversation each time, and a
   * runs:start reply to it would carry on the refine instructions as a chat.
   */
  ephemeral?: boolean;
  /** The saved test case a test run of a saved version used (testCaseMatching), for the readiness checklist. */
  testCaseId?: string | null;
  /** Sampling a caller asked for beyond the version's settings (Conductor's topP and stopWords). */
  sampling?: { topP?: number; stopSequences?: string[] };
}

const WATCH_WAIT_MS = 15_000;

/** The model asked for, else the version's first usable model, else the first the member may use. */
export function chooseModel(ctx: Ctx, requested: string | undefined, settings: ModelSettings): ResolvedModel {
  const ref = requested ?? settings.models.find((m) => safeResolves(ctx, m)) ?? usableModels(ctx)[0];
  if (!ref) throw invalid('No model to run with: an admin adds an integration (a model provider) in Settings', 'model');
  return resolveModel(ctx, ref);
}

function safeResolves(ctx: Ctx, ref: string): boolean {
  try {
    resolveModel(ctx, ref);
    return true;
  } catch {
    return false;
  }
}

/**
 * The user message a chat turn shows when the prompt has no display message: the last user
 * message of the render. The readiness checklist measures this text against its threshold.
 */
export function renderedUserMessage(messages: ChatMessage[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/**
 * What the member's chat turn shows: the display message with the variables filled in; else, for
 * someone who may read the prompt, the last user message of the render; else (a run-only member,
 * whose turn must not carry template text) their own variable values, or "Ran <title>".
 */
function displayTextOf(displayMessage: string | null, variables: Variables, messages: ChatMessage[], reader: boolean, title: string): string {
  if (displayMessage) {
    const shown = renderTemplate({ kind: 'text', text: displayMessage }, variables);
    if (shown.ok) return shown.text;
  }
  if (reader) return renderedUserMessage(messages);
  const values = Object.entries(variables).map(([name, value]) => `${name}: ${String(value)}`);
  return values.length > 0 ? values.join('\n') : `Ran ${title}`;
}

/**
 * The saved version a run uses. Whoever may read the prompt may pick any version, answered as
 * render answers it (an unknown or deleted number is a 404, even on a prompt with none saved);
 * a run-only member runs only the version this door serves (asking for another, a draft
 * included, is a 403 naming `version`), so no other text can be reached by running it.
 */
function versionToRun(ctx: Ctx, name: string, requested: number | undefined): PromptVersion {
  if (requested === undefined) return servedVersion(ctx, name, undefined, 'run');
  const row = requirePrompt(ctx, name, 'run');
  if (canReadText(ctx, row)) return servedVersion(ctx, name, requested, 'run');
  const served = servedVersion(ctx, name, undefined, 'run');
  if (requested === served.number) return served;
  throw new AppError('forbidden', `You may run only the version "${row.name}" serves (version ${served.number}); picking another needs read permission`, 'version');
}

/** The version's own models the member may use, then every other model they may use. */
export function offeredModels(ctx: Ctx, settings: ModelSettings): string[] {
  const own = settings.models.filter((m) => safeResolves(ctx, m));
  return [...new Set([...own, ...usableModels(ctx)])];
}

/**
 * Who may see which version a prompt serves and its variables (the run form, MCP's prompt list),
 * and so hear of version saves, edits, promotions and pins (core/changes): anyone who may run it.
 */
export const SERVED_VERSION_ACTION: Action = 'run';

/** A Chat-only prompt's run form: variables and models, never its template. */
export function prepareRun(ctx: Ctx, name: string): RunnablePrompt {
  const version = servedVersion(ctx, name, undefined, SERVED_VERSION_ACTION);
  const row = requirePrompt(ctx, name, SERVED_VERSION_ACTION);
  const analysis = analyzeTemplate(version.template);
  const detected = analysis.ok ? analysis.variables : [];
  const models = offeredModels(ctx, version.modelSettings);
  return {
    name: row.name,
    title: row.title,
    description: row.description,
    version: version.number,
    variables: alignVariables(detected, version.variables).map((v) => ({ ...v, required: v.default === undefined })),
    displayMessage: version.displayMessage,
    models,
    defaultModel: models[0] ?? null,
  };
}

interface Target {
  name: string;
  version?: number;
  draft?: { template: Template; variables?: VariableMeta[]; modelSettings?: ModelSettings };
  variables: Variables;
  model?: string;
  source: RunSource;
}

function planNewRun(ctx: Ctx, target: Target): RunPlan {
  assertActive(ctx.actor);
  let template: Template;
  let metadata: VariableMeta[];
  let settings: ModelSettings;
  let displayMessage: string | null;
  let versionNumber: number | null;
  let row;
  if (target.draft) {
    // The test panel runs unsaved text: only someone who may edit the prompt may do that.
    row = requirePrompt(ctx, target.name, 'edit');
    const latest = row.latest_version ? getVersion(ctx, target.name, row.latest_version, 'edit') : null;
    template = target.draft.template;
    metadata = target.draft.variables ?? latest?.variables ?? [];
    settings = target.draft.modelSettings ?? latest?.modelSettings ?? { models: [] };
    displayMessage = latest?.displayMessage ?? null;
    versionNumber = null;
  } else {
    const version = versionToRun(ctx, target.name, target.version);
    row = requirePrompt(ctx, target.name, 'run');
    template = version.template;
    metadata = version.variables;
    settings = version.modelSettings;
    displayMessage = version.displayMessage;
    versionNumber = version.number;
  }
  const { messages } = renderOrThrow(template, target.variables, metadata);
  const model = chooseModel(ctx, target.model, settings);
  const conversation: Conversation = {
    id: randomUUID(),
    ownerId: ctx.actor.id,
    promptId: row.id,
    promptName: row.name,
    version: versionNumber,
    model: model.ref,
    settings: { temperature: settings.temperature, maxTokens: settings.maxTokens },
    dataLogging: row.data_logging,
    variables: target.variables,
    messages,
    running: false,
    touchedAt: Date.now(),
  };
  return {
    promptId: row.id,
    promptName: row.name,
    version: versionNumber,
    model,
    settings,
    messages,
    variables: target.variables,
    source: target.source,
    conversation,
    displayText: displayTextOf(displayMessage, target.variables, messages, canReadText(ctx, row), row.title),
    testCaseId: target.source === 'test' && versionNumber !== null ? testCaseMatching(ctx, row.id, target.variables) : null,
  };
}

function planReply(ctx: Ctx, input: { conversationId: string; message: string; model?: string }): RunPlan {
  assertActive(ctx.actor);
  const conversation = ctx.runtime.runs.conversation(input.conversationId);
  if (!conversation || conversation.ownerId !== ctx.actor.id) throw notFound('Conversation (it ends when Promptdesk restarts)');
  if (conversation.running) throw new AppError('conflict', 'Wait for the answer (or stop it) before replying', 'message');
  // Access may have been withdrawn since the chat began.
  const row = requirePrompt(ctx, conversation.promptName, 'run');
  // The conversation belongs to the prompt it began with, not to its name: once that prompt is
  // deleted and the name taken again, replying would run the old prompt's messages (text the
  // member may not read) under the new prompt, whose readers would find them in its logs.
  if (row.id !== conversation.promptId) throw promptNotFound();
  const model = resolveModel(ctx, input.model ?? conversation.model);
  return {
    promptId: row.id,
    promptName: row.name,
    version: conversation.version,
    model,
    settings: { models: [], ...conversation.settings },
    messages: [...conversation.messages, { role: 'user', content: input.message }],
    variables: conversation.variables,
    source: 'chat',
    conversation,
    displayText: input.message,
  };
}

/** What the logs keep of a run, by the prompt's data-logging level (read when the run ends). */
function logRecord(ctx: Ctx, plan: RunPlan, run: ActiveRun, startedAt: number): LogRecord {
  const level = ctx.store.prompts.getRowByName(plan.promptName)?.data_logging ?? plan.conversation.dataLogging;
  const { text: full, shape: keepsShape } = levelKeeps(level);
  const key = ctx.via?.key;
  return {
    id: run.id,
    promptId: plan.promptId,
    promptName: plan.promptName,
    version: plan.version,
    source: plan.source,
    userId: ctx.actor.id,
    keyLabel: ctx.via ? (key ? key.label : 'keyless') : null,
    model: plan.model.ref,
    status: run.status,
    startedAt,
    latencyMs: run.latencyMs,
    ttftMs: run.ttftMs,
    tokensIn: run.usage.inputTokens,
    tokensOut: run.usage.outputTokens,
    dataLogging: level,
    variableNames: keepsShape ? JSON.stringify(Object.keys(plan.variables)) : null,
    variables: full ? JSON.stringify(plan.variables) : null,
    messages: full ? JSON.stringify(plan.messages) : null,
    output: full ? run.output : null,
    outputChars: keepsShape ? run.output.length : null,
    // Provider errors can quote the input back; with no logging only the error code stays.
    error: run.error ? (keepsShape ? run.error.message : run.error.code) : null,
    conversationId: plan.conversation.id,
    testCaseId: plan.testCaseId ?? null,
  };
}

/**
 * The ids the AI SDK gives a response whose provider sent none: marked, so a span's
 * gen_ai.response.id is only ever the provider's own (core/telemetry/run-span.ts).
 */
const LOCAL_RESPONSE_ID = 'promptdesk-local';
const localResponseId = createIdGenerator({ prefix: LOCAL_RESPONSE_ID, size: 24 });

/** Calls the provider, streaming into the run; logs it; never throws (the run carries the error). */
async function execute(ctx: Ctx, plan: RunPlan, run: ActiveRun, onDelta?: (text: string) => void): Promise<void> {
  const startedAt = ctx.clock.now().getTime();
  const t0 = performance.now();
  const guard = guardedFetch(ctx.runtime.limits);
  const { runs } = ctx.runtime;
  plan.conversation.running = true;
  // For the run's OpenTelemetry span only (core/telemetry); never logged.
  const span: RunSpanExtras = {
    provider: { kind: plan.model.target.kind, baseUrl: plan.model.target.baseUrl, name: plan.model.target.name },
    modelId: plan.model.modelId,
    temperature: plan.settings.temperature,
    maxTokens: plan.settings.maxTokens,
    topP: plan.sampling?.topP,
  };
  try {
    const result = streamText({
      model: languageModel(plan.model.target, plan.model.modelId, guard),
      messages: plan.messages,
      // System messages come from the template its editors wrote, in the order they wrote them.
      allowSystemInMessages: true,
      temperature: plan.settings.temperature,
      maxOutputTokens: plan.settings.maxTokens,
      topP: plan.sampling?.topP,
      stopSequences: plan.sampling?.stopSequences,
      abortSignal: run.abort.signal,
      maxRetries: 0,
      // The error also arrives as an 'error' part below, where it is handled; no console noise.
      onError: () => undefined,
      _internal: { generateId: localResponseId },
    });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        if (run.ttftMs === null) run.ttftMs = Math.round(performance.now() - t0);
        run.output += part.text;
        onDelta?.(part.text);
        runs.notify(run);
      } else if (part.type === 'finish-step') {
        span.responseModel = part.response.modelId;
        if (part.response.id && !part.response.id.startsWith(`${LOCAL_RESPONSE_ID}-`)) span.responseId = part.response.id;
      } else if (part.type === 'finish') {
        span.finishReason = part.rawFinishReason ?? part.finishReason;
        run.usage = { inputTokens: part.totalUsage.inputTokens ?? null, outputTokens: part.totalUsage.outputTokens ?? null };
      } else if (part.type === 'error') {
        throw part.error;
      }
    }
    run.status = run.abort.signal.aborted ? 'cancelled' : 'success';
  } catch (error) {
    if (run.abort.signal.aborted && !guard.failure()) run.status = 'cancelled';
    else {
      run.status = 'error';
      run.error = providerFailure(error, guard, plan.model.target.name, [plan.model.target.apiKey, ...providerSecrets(ctx)]);
    }
  }
  run.latencyMs = Math.round(performance.now() - t0);
  plan.conversation.running = false;
  if (run.status === 'success' || (run.status === 'cancelled' && run.output)) {
    plan.conversation.messages = [...plan.messages, { role: 'assistant', content: run.output }];
    plan.conversation.touchedAt = Date.now();
    if (!plan.ephemeral) runs.saveConversation(plan.conversation);
  }
  try {
    await ctx.runtime.logs.append(logRecord(ctx, plan, run, startedAt), { ...span, errorCode: run.error?.code });
  } catch (error) {
    run.status = 'error';
    // A full disk or read-only folder is named (507), as everywhere else; anything else stays internal.
    const storage = storageErrorOf(error);
    run.error = storage
      ? new AppError(storage.code, `The run finished but its log could not be written. ${storage.message}`)
      : new AppError('internal', 'The run finished but its log could not be written');
  }
  runs.notify(run);
}

function begin(ctx: Ctx, plan: RunPlan, onDelta?: (text: string) => void): ActiveRun {
  const run: ActiveRun = {
    id: randomUUID(),
    ownerId: ctx.actor.id,
    conversationId: plan.conversation.id,
    status: 'running',
    output: '',
    usage: { inputTokens: null, outputTokens: null },
    latencyMs: null,
    ttftMs: null,
    error: null,
    abort: new AbortController(),
    done: Promise.resolve(),
    waiters: new Set(),
  };
  ctx.runtime.runs.add(run);
  if (!plan.ephemeral) ctx.runtime.runs.saveConversation(plan.conversation);
  run.done = execute(ctx, plan, run, onDelta);
  return run;
}

/** Starts a chat, a reply or a test run; the answer is followed with watchRun. */
export function startRun(ctx: Ctx, input: z.output<typeof StartRunInput>): RunStarted {
  const plan =
    'conversationId' in input
      ? planReply(ctx, input)
      : planNewRun(ctx, { ...input, source: input.source });
  const run = begin(ctx, plan);
  return {
    runId: run.id,
    conversationId: plan.conversation.id,
    prompt: plan.promptName,
    version: plan.version,
    model: plan.model.ref,
    displayText: plan.displayText,
  };
}

/**
 * Starts a planned run in the run registry (so watchRun and cancelRun follow it) and calls the
 * provider; `signal` cancels it (an HTTP client that went away). The returned run's `done`
 * settles once it is logged; it never rejects (the run carries its error).
 */
export function launchRun(ctx: Ctx, plan: RunPlan, hooks: { onDelta?: (text: string) => void; signal?: AbortSignal } = {}): ActiveRun {
  const run = begin(ctx, plan, hooks.onDelta);
  hooks.signal?.addEventListener('abort', () => run.abort.abort(), { once: true });
  return run;
}

/** A run the actor started (admins: any), while the registry keeps it. */
export function ownRun(ctx: Ctx, runId: string): ActiveRun {
  const run = ctx.runtime.runs.get(runId);
  if (!run || (run.ownerId !== ctx.actor.id && ctx.actor.role !== 'admin')) throw notFound('Run (finished runs are in the logs)');
  return run;
}

function progress(run: ActiveRun, cursor: number): RunProgress {
  return {
    runId: run.id,
    status: run.status,
    text: run.output.slice(cursor),
    cursor: run.output.length,
    usage: run.usage,
    latencyMs: run.latencyMs,
    ttftMs: run.ttftMs,
    error: run.error ? { code: run.error.code, message: run.error.message, ...(run.error.retryAfter === undefined ? {} : { retryAfter: run.error.retryAfter }) } : null,
  };
}

/** Long poll: answers as soon as there is text past the cursor or the run has ended. */
export async function watchRun(ctx: Ctx, input: z.output<typeof WatchRunInput>): Promise<RunProgress> {
  const run = ownRun(ctx, input.runId);
  if (run.status === 'running' && run.output.length <= input.cursor) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, WATCH_WAIT_MS);
      run.waiters.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return progress(run, input.cursor);
}

export async function cancelRun(ctx: Ctx, runId: string): Promise<RunProgress> {
  const run = ownRun(ctx, runId);
  if (run.status === 'running') run.abort.abort();
  await run.done;
  return progress(run, 0);
}

/**
 * `POST /api/v1/prompts/{name}/run`: renders the served version and starts the model call.
 * Everything that can be refused (prompt, variables, model, access) is refused before this
 * returns, so a streaming route can still answer with a plain problem+json. `finished` settles
 * once the run is logged. The MCP door's `run_prompt` runs through here too, logged as `source`
 * `mcp` (default `api`).
 */
export function beginApiRun(
  ctx: Ctx,
  name: string,
  body: z.output<typeof RunApiBody>,
  hooks: { onDelta?: (text: string) => void; signal?: AbortSignal } = {},
  source: 'api' | 'mcp' = 'api',
): { started: RunStarted; finished: Promise<RunResult> } {
  // The key's `run` scope is checked by requirePrompt, after visibility (hidden = missing).
  const plan = planNewRun(ctx, { name, version: body.version, variables: body.variables, model: body.model, source });
  const run = begin(ctx, plan, hooks.onDelta);
  hooks.signal?.addEventListener('abort', () => run.abort.abort(), { once: true });
  const finished = run.done.then((): RunResult => {
    if (run.error) throw run.error;
    if (run.status === 'cancelled') throw new AppError('provider_error', 'The run was cancelled');
    return {
      runId: run.id,
      prompt: plan.promptName,
      version: plan.version!,
      model: plan.model.ref,
      output: run.output,
      usage: run.usage,
      latencyMs: run.latencyMs!,
      ttftMs: run.ttftMs,
    };
  });
  return {
    started: { runId: run.id, conversationId: plan.conversation.id, prompt: plan.promptName, version: plan.version, model: plan.model.ref, displayText: plan.displayText },
    finished,
  };
}
