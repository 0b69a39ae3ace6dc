import { z } from 'zod';
import { ModelSettingsSchema, TemplateSchema, VariableMetaSchema, VariablesSchema } from './template';
import { VersionNumberSchema } from './version-number';
import type { ChatMessage, Template, VariableMeta } from '../template/template';
import type { ModelSettings } from './template';
import type { DataLoggingLevel } from './runs';
import type { Action } from './sharing';
import type { SharingLevel } from './sharing';

/** A prompt's key in URLs and API calls: URL-safe, unique, case-insensitive. */
export const PROMPT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const PromptNameSchema = z
  .string()
  .regex(PROMPT_NAME_PATTERN, 'Use 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const SLASH_COMMAND_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
// ":" lets a tag hold a key and a value (Conductor's `{key, value}` tags are `key:value`, docs/compat.md).
export const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.:-]{0,39}$/u;

/** The most tags a prompt has (every door: native, the app, the compat doors' tag calls). */
export const MAX_TAGS = 20;

export const TagsSchema = z
  .array(z.string().trim().toLowerCase().regex(TAG_PATTERN, 'Tags are 1-40 letters, digits, spaces, ".", "_", "-" or ":"'))
  .max(MAX_TAGS)
  .transform((tags) => [...new Set(tags)]);

// Stated limits, not zod's 'Too big: expected string to have <=200 characters': the forms show them under the field.
const atMost = (what: string, chars: number) => `${what} has at most ${chars.toLocaleString('en-US')} characters`;

export const CreatePromptInput = z.object({
  name: PromptNameSchema,
  title: z.string().trim().min(1, 'Give the prompt a title').max(200, atMost('A title', 200)),
  description: z.string().max(2000, atMost('A description', 2000)).default(''),
  tags: TagsSchema.default([]),
  slashCommand: z
    .string()
    .trim()
    .transform((s) => s.replace(/^\//, ''))
    .pipe(z.string().regex(SLASH_COMMAND_PATTERN, 'Use 1-32 lowercase letters, digits, "_" or "-"'))
    .nullable()
    .optional(),
});
export type CreatePromptInput = z.input<typeof CreatePromptInput>;

/** Metadata changes; the template changes only through versions. */
export const UpdatePromptInput = z.object({
  name: PromptNameSchema,
  title: CreatePromptInput.shape.title.optional(),
  description: z.string().max(2000, atMost('A description', 2000)).optional(),
  tags: TagsSchema.optional(),
  slashCommand: CreatePromptInput.shape.slashCommand,
});

export const SaveVersionInput = z.object({
  name: PromptNameSchema,
  template: TemplateSchema,
  variables: z.array(VariableMetaSchema).max(200).default([]),
  modelSettings: ModelSettingsSchema.default({ models: [] }),
  commitMessage: z.string().max(1000, atMost('A commit message', 1000)).default(''),
  /** The version the author started editing from: a save based on a stale version is refused. */
  baseVersion: z.number().int().min(0).optional(),
  /** Optional display message shown in chat instead of the full rendered prompt. */
  displayMessage: z.string().max(2000, atMost('A display message', 2000)).optional(),
});
export type SaveVersionInput = z.input<typeof SaveVersionInput>;

export const PROMPT_SORTS = ['updated', 'created', 'name', 'title'] as const;
export const ListPromptsInput = z.object({
  query: z.string().max(500).default(''),
  tag: z.string().max(40).optional(),
  ownerId: z.string().max(64).optional(),
  sort: z.enum(PROMPT_SORTS).default('updated'),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).default(0),
});
export type ListPromptsInput = z.input<typeof ListPromptsInput>;

export const PromptRefInput = z.object({ name: PromptNameSchema });

export const SetApiSettingsInput = z.object({
  name: PromptNameSchema,
  apiAccess: z.boolean().optional(),
  keyRequired: z.boolean().optional(),
});
export const VersionRefInput = z.object({ name: PromptNameSchema, number: VersionNumberSchema });

/** Changes to a draft version in place (seed APIs 001/004); immutable versions refuse with 409. */
export const UpdateVersionInput = z.object({
  name: PromptNameSchema,
  number: VersionNumberSchema,
  template: TemplateSchema.optional(),
  variables: z.array(VariableMetaSchema).max(200).optional(),
  modelSettings: ModelSettingsSchema.optional(),
  commitMessage: z.string().max(1000, atMost('A commit message', 1000)).optional(),
  displayMessage: z.string().max(2000, atMost('A display message', 2000)).nullable().optional(),
});

export const RenderInput = z.object({
  name: PromptNameSchema,
  version: VersionNumberSchema.optional(),
  variables: VariablesSchema.default({}),
});

export const PreviewRenderInput = z.object({
  template: TemplateSchema,
  variables: VariablesSchema.default({}),
  metadata: z.array(VariableMetaSchema).max(200).default([]),
});

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

export interface PromptSummary {
  id: string;
  name: string;
  title: string;
  description: string;
  tags: string[];
  slashCommand: string | null;
  owner: UserRef;
  latestVersion: number | null;
  /** The version in production (promoted), if any. */
  publishedVersion: number | null;
  /** The version the API deployment is pinned to, if pinned. */
  pinnedVersion: number | null;
  sharingLevel: SharingLevel;
  /** Served over the HTTP API at all (off by default for prompts made in the app). */
  apiAccess: boolean;
  /** Whether API callers need a key; keyless calls are accepted from 127.0.0.1 only. */
  apiKeyRequired: boolean;
  /** How much of each run the logs keep (see DATA_LOGGING_HELP). */
  dataLogging: DataLoggingLevel;
  createdAt: string;
  updatedAt: string;
}

export type VersionStatus = 'draft' | 'published' | 'archived';

export interface PromptVersion {
  id: string;
  promptId: string;
  number: number;
  status: VersionStatus;
  /** Committed versions are read-only; only they can be deployed (promotion commits). */
  committed: boolean;
  template: Template;
  variables: VariableMeta[];
  /** Variables detected in the template, in order of first use. */
  detectedVariables: string[];
  modelSettings: ModelSettings;
  displayMessage: string | null;
  commitMessage: string;
  author: UserRef;
  createdAt: string;
}

/**
 * A version as the answer to a write on it (edit, commit, unarchive, deploy): the write's own
 * result, with `template` null when the caller may not read the prompt's text (a key without the
 * `read` scope, a member who may only run) and did not send that text with the write (mayReadBack).
 */
export type WrittenVersion = Omit<PromptVersion, 'template'> & { template: Template | null };

export interface PromptDetail extends PromptSummary {
  /** The newest version, or null for a prompt that was never saved. */
  latest: PromptVersion | null;
  /** What the asking member may do with it, so screens offer only what will work. */
  allowed: Action[];
}

export interface PromptList {
  items: PromptSummary[];
  total: number;
  /** Every tag and owner in the visible library, for the filter menus. */
  facets: { tags: string[]; owners: UserRef[] };
}

export interface RenderedPrompt {
  prompt: string;
  version: number;
  messages: ChatMessage[];
  text: string;
  unusedVariables: string[];
}

export interface VersionSummary {
  number: number;
  status: VersionStatus;
  committed: boolean;
  commitMessage: string;
  author: UserRef;
  createdAt: string;
}
