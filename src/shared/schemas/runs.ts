import { z } from 'zod';
import { PromptNameSchema } from './prompts';
import { MODEL_REF_PATTERN, ModelSettingsSchema, TemplateSchema, VariableMetaSchema, VariablesSchema } from './template';
import type { VariableMeta } from '../template/template';
import { VersionNumberSchema } from './version-number';

export const RUN_SOURCES = ['chat', 'api', 'test', 'refine', 'mcp'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

export const RUN_STATUSES = ['running', 'success', 'error', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const DATA_LOGGING_LEVELS = ['full', 'metadata', 'none'] as const;
export type DataLoggingLevel = (typeof DATA_LOGGING_LEVELS)[number];

export const ModelRefSchema = z.string().regex(MODEL_REF_PATTERN, 'Use integrationName:modelName, e.g. ollama:llama3.2');

/** A reply in a chat that is already running (the conversation lives in the main process). */
const ReplyTarget = z.object({
  conversationId: z.string().min(1).max(64),
  message: z.string().trim().min(1, 'Write a message').max(100_000),
});

export const StartRunInput = z.union([
  ReplyTarget.extend({ model: ModelRefSchema.optional() }),
  z.object({
    name: PromptNameSchema,
    /** Omitted: the version this door serves (servedNumber): in the app the active one (published, else newest); over the API the pinned one first. */
    version: VersionNumberSchema.optional(),
    /** The unsaved editor state, for the test panel (needs edit rights); omitted parts come from the newest version. */
    draft: z
      .object({
        template: TemplateSchema,
        variables: z.array(VariableMetaSchema).max(200).optional(),
        modelSettings: ModelSettingsSchema.optional(),
      })
      .optional(),
    variables: VariablesSchema.default({}),
    model: ModelRefSchema.optional(),
    source: z.enum(['chat', 'test']).default('chat'),
  }),
]);
export type StartRunInput = z.input<typeof StartRunInput>;

export const RunRefInput = z.object({ runId: z.string().min(1).max(64) });

/** Long-poll: answers when the run has text past `cursor` or has ended (or after a few seconds). */
export const WatchRunInput = z.object({
  runId: z.string().min(1).max(64),
  cursor: z.number().int().min(0).default(0),
});

export interface RunUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface RunStarted {
  runId: string;
  conversationId: string;
  prompt: string;
  /** null for a draft run in the test panel. */
  version: number | null;
  model: string;
  /** What the chat shows for the member's turn: the display message, else the rendered user message. */
  displayText: string;
}

export interface RunProgress {
  runId: string;
  status: RunStatus;
  /** Output characters past the cursor the caller sent. */
  text: string;
  cursor: number;
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  /** `retryAfter` (seconds) when the provider rate-limited the run. */
  error: { code: string; message: string; retryAfter?: number } | null;
}

/** What the chat launcher and test panel need to run a prompt without seeing its template. */
export interface RunnablePrompt {
  name: string;
  title: string;
  description: string;
  version: number | null;
  variables: (VariableMeta & { required: boolean })[];
  displayMessage: string | null;
  /** The prompt's own models the member may use, then every other model they may use. */
  models: string[];
  defaultModel: string | null;
}

/** The HTTP run API body (`POST /api/v1/prompts/{name}/run`). */
export const RunApiBody = z.object({
  variables: VariablesSchema.default({}),
  version: VersionNumberSchema.optional(),
  model: ModelRefSchema.optional(),
  stream: z.boolean().default(false),
});

export interface RunResult {
  runId: string;
  prompt: string;
  version: number;
  model: string;
  output: string;
  usage: RunUsage;
  latencyMs: number;
  ttftMs: number | null;
}

export const SaveTestCaseInput = z.object({
  name: PromptNameSchema,
  caseName: z.string().trim().min(1, 'Name the test case').max(100),
  variables: VariablesSchema,
});
export const DeleteTestCaseInput = z.object({ name: PromptNameSchema, id: z.string().min(1).max(64) });

export interface TestCase {
  id: string;
  name: string;
  variables: Record<string, string | number | boolean>;
  updatedAt: string;
}

export const SetDataLoggingInput = z.object({ name: PromptNameSchema, level: z.enum(DATA_LOGGING_LEVELS) });
