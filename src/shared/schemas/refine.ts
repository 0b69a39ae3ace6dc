import { z } from 'zod';
import { PromptNameSchema } from './prompts';
import { ModelRefSchema, type RunProgress, type RunUsage } from './runs';
import { MAX_TEMPLATE_CHARS, TemplateSchema, VariableMetaSchema } from './template';
import type { DiffPart } from './versions';
import { VersionNumberSchema } from './version-number';
import type { Template, VariableMeta } from '../template/template';

/**
 * "Refine with AI" (seed 000): a conversation with a model about one saved version of a prompt.
 * The conversation lives with the caller (the refine panel, a script): each turn sends it whole,
 * and the main process adds the prompt's context (template, variables, settings, test cases with
 * their latest outputs) in front of it, so nothing about a refine is kept between turns.
 */

/** Turns in one refine conversation (both sides together). */
export const MAX_REFINE_MESSAGES = 40;

/**
 * One turn of the conversation so far. A model's turn may carry the proposal it made (as the
 * previous answer returned it), so "shorter" or "keep the JSON format" refer to that revision.
 */
export const RefineMessageSchema = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('user'),
    content: z.string().trim().min(1, 'Write what to change').max(20_000, 'A message is at most 20,000 characters'),
  }),
  z.object({
    role: z.literal('assistant'),
    /** The explanation the model gave (or its whole answer). */
    content: z.string().max(MAX_TEMPLATE_CHARS),
    proposal: TemplateSchema.nullable().optional(),
  }),
]);
export type RefineMessage = z.input<typeof RefineMessageSchema>;

const RefineMessages = z
  .array(RefineMessageSchema)
  .min(1, 'Write what to change')
  .max(MAX_REFINE_MESSAGES, `A refine conversation has at most ${MAX_REFINE_MESSAGES} messages; start a new one`)
  .refine((messages) => messages.at(-1)?.role === 'user', { message: 'The last message is the member\'s request (role "user")' });

/** `refine:start`: one refine turn on a prompt's version with a model. */
export const StartRefineInput = z.object({
  name: PromptNameSchema,
  /** The version to refine; omitted: the newest version (what the editor opens on). */
  version: VersionNumberSchema.optional(),
  /** `integration:model` among the models the member may use; omitted: the version's first usable model, else the first usable one. */
  model: ModelRefSchema.optional(),
  messages: RefineMessages,
});
export type StartRefineInput = z.input<typeof StartRefineInput>;

/** The HTTP body of `POST /api/v1/prompts/{name}/refine`. */
export const RefineApiBody = z.object({
  messages: RefineMessages,
  version: VersionNumberSchema.optional(),
  model: ModelRefSchema.optional(),
  stream: z.boolean().default(false),
});

/** `refine:prepare`: what the refine panel needs before the first turn. */
export const PrepareRefineInput = z.object({
  name: PromptNameSchema,
  version: VersionNumberSchema.optional(),
});

/**
 * `refine:save`: saves a proposal as a new version (the only way a refine writes anything). The
 * new version keeps the refined version's model settings and display message; the commit message
 * always says it came from Refine, with the member's `note` after it.
 */
export const SaveRefinedInput = z.object({
  name: PromptNameSchema,
  /** The version that was refined (its settings are kept; a newer save since then is a conflict). */
  version: VersionNumberSchema,
  template: TemplateSchema,
  /** Metadata for the proposal's variables, as the answer returned it; omitted: the refined version's. */
  variables: z.array(VariableMetaSchema).max(200).optional(),
  note: z.string().max(900).default(''),
});
export type SaveRefinedInput = z.input<typeof SaveRefinedInput>;

/** What the panel shows before the first turn. */
export interface RefinePreparation {
  prompt: string;
  /** The version a turn refines when none is named. */
  version: number;
  /** That version's variables, in order of first appearance (what the model is told). */
  variables: string[];
  /** Models the member may use: the version's own first, then every other usable one. */
  models: string[];
  defaultModel: string | null;
  /** Saved test cases sent to the model as context (with their latest outputs when logged). */
  testCases: number;
  /** Whether `refine:save` is allowed (edit permission); otherwise the member may refine and copy. */
  canSave: boolean;
}

export interface RefineStarted {
  runId: string;
  prompt: string;
  /** The version being refined. */
  version: number;
  model: string;
}

/** A proposed revision of the whole template, validated as a save would validate it. */
export interface RefineProposal {
  template: Template;
  /** Metadata for every variable the proposal uses: kept from the refined version, new ones bare. */
  variables: VariableMeta[];
}

/** The proposal against the refined version's template (the compare view's diff). */
export interface RefineDiff {
  template: DiffPart[];
  granularity: 'words' | 'lines';
  variables: { added: string[]; removed: string[] };
}

/** One finished refine turn (also the JSON body of the HTTP answer). */
export interface RefineResult {
  runId: string;
  prompt: string;
  version: number;
  model: string;
  /** The model's explanation: its answer without the revision block. */
  explanation: string;
  /** null when the answer holds no usable revision; `reason` then says why. */
  proposal: RefineProposal | null;
  reason: string | null;
  /** null exactly when proposal is null. */
  diff: RefineDiff | null;
  usage: RunUsage;
  latencyMs: number;
}

/** `refine:watch` / `refine:cancel`: the run's progress (raw streamed text) and, once it succeeded, its result. */
export interface RefineProgress extends RunProgress {
  result: RefineResult | null;
}
