import { z } from 'zod';
import { ModelSettingsSchema, TemplateSchema, VariableMetaSchema, VariablesSchema } from './template';
import { CreatePromptInput, PromptNameSchema, TagsSchema } from './prompts';
import { SHARING_LEVELS } from './sharing';
import { DATA_LOGGING_LEVELS, RUN_SOURCES, RUN_STATUSES } from './runs';

/**
 * The sync protocol between a desktop replica and a team server (docs/sync.md). Versioned: a
 * request names `protocol`, and a server refuses a number it does not speak (400, field
 * `protocol`). Everything here is JSON over `/api/v1/sync/*`.
 */
export const SYNC_PROTOCOL = 1;

/** Ids are UUIDs made by whoever created the row (a desktop for its offline saves and runs). */
const Id = z.string().uuid('must be a UUID');
const Text = (max: number) => z.string().max(max);

/** `version.save`: a version saved on a desktop; the server gives its final number. */
export const VersionSaveOp = z.object({
  id: Id,
  kind: z.literal('version.save'),
  promptId: Id,
  /** The version's id on the desktop; the server keeps it, so both sides name it alike. */
  versionId: Id,
  template: TemplateSchema,
  variables: z.array(VariableMetaSchema).max(200).default([]),
  modelSettings: ModelSettingsSchema.default({ models: [] }),
  displayMessage: Text(2000).nullable().default(null),
  commitMessage: Text(1000).default(''),
});

/** `promotion.request`: "promote this version, expecting `expectPublished` to be in production". */
export const PromotionRequestOp = z.object({
  id: Id,
  kind: z.literal('promotion.request'),
  promptId: Id,
  versionId: Id,
  /** The number published when the member promoted (null: none was). */
  expectPublished: z.number().int().min(1).nullable(),
  notes: Text(2000).default(''),
});

/** `run.log`: a run made on a desktop, already cut to what its prompt's data-logging level lets leave the machine. */
export const RunLogOp = z.object({
  id: Id,
  kind: z.literal('run.log'),
  promptId: Id,
  /** The version run, by id (null: an unsaved draft). */
  versionId: Id.nullable(),
  source: z.enum(RUN_SOURCES),
  model: Text(300),
  status: z.enum(RUN_STATUSES),
  startedAt: z.number().int().min(0),
  latencyMs: z.number().int().min(0).nullable(),
  ttftMs: z.number().int().min(0).nullable(),
  tokensIn: z.number().int().min(0).nullable(),
  tokensOut: z.number().int().min(0).nullable(),
  dataLogging: z.enum(DATA_LOGGING_LEVELS),
  variableNames: Text(100_000).nullable(),
  variables: Text(400_000).nullable(),
  messages: Text(400_000).nullable(),
  output: Text(400_000).nullable(),
  outputChars: z.number().int().min(0).nullable(),
  error: Text(10_000).nullable(),
});

/**
 * A prompt's metadata as a desktop edits it (the editor's details and its data-logging level).
 * Sharing, API access, owner and name are not here: they are the server's to decide.
 */
export const PromptMeta = z.object({
  title: CreatePromptInput.shape.title,
  description: z.string().max(2000),
  tags: TagsSchema,
  slashCommand: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'Use 1-32 lowercase letters, digits, "_" or "-"').nullable(),
  dataLogging: z.enum(DATA_LOGGING_LEVELS),
});
export type PromptMeta = z.output<typeof PromptMeta>;
export const PROMPT_META_FIELDS = ['title', 'description', 'tags', 'slashCommand', 'dataLogging'] as const satisfies readonly (keyof PromptMeta)[];

/** `prompt.create`: a personal prompt moved to the team (its versions follow as `version.save`, in number order). */
export const PromptCreateOp = PromptMeta.extend({
  id: Id,
  kind: z.literal('prompt.create'),
  /** The prompt's id on the desktop; the server keeps it. */
  promptId: Id,
  name: PromptNameSchema,
  sharingLevel: z.enum(SHARING_LEVELS),
});

/**
 * `prompt.update`: metadata edited on a desktop. `changes` holds only the fields edited there,
 * `base` what the server had for each when it was first edited there: the server applies a field
 * only if it still holds `base` (else that field is a conflict naming who changed it).
 */
export const PromptUpdateOp = z.object({
  id: Id,
  kind: z.literal('prompt.update'),
  promptId: Id,
  changes: PromptMeta.partial(),
  base: PromptMeta.partial(),
});

/** A test case as the server had it when a desktop first changed it (null: made on the desktop). */
export const TestCaseBase = z.object({ name: z.string().max(100), variables: VariablesSchema }).nullable();
const TestCaseId = z.string().min(1).max(64);

/** `testcase.put`: a test case made or changed on a desktop (by id; the server keeps it). */
export const TestCasePutOp = z.object({
  id: Id,
  kind: z.literal('testcase.put'),
  promptId: Id,
  testCaseId: TestCaseId,
  name: z.string().trim().min(1).max(100),
  variables: VariablesSchema,
  base: TestCaseBase,
});

/** `testcase.delete`: a test case deleted on a desktop; the server deletes it only if it still holds `base`. */
export const TestCaseDeleteOp = z.object({
  id: Id,
  kind: z.literal('testcase.delete'),
  promptId: Id,
  testCaseId: TestCaseId,
  base: TestCaseBase,
});

export const SyncOp = z.discriminatedUnion('kind', [VersionSaveOp, PromotionRequestOp, RunLogOp, PromptCreateOp, PromptUpdateOp, TestCasePutOp, TestCaseDeleteOp]);
export type SyncOp = z.output<typeof SyncOp>;

/** The most ops one push carries (the body limit of 1 MiB bounds it too). */
export const MAX_PUSH_OPS = 200;

export const PushInput = z.object({
  protocol: z.literal(SYNC_PROTOCOL, { message: `This server speaks sync protocol ${SYNC_PROTOCOL}` }),
  ops: z.array(SyncOp).max(MAX_PUSH_OPS),
});

/** Who promoted what and when: what the loser of a promotion race is shown. */
export interface PublishedBy {
  version: number | null;
  promotedBy: { id: string; name: string; email: string } | null;
  promotedAt: string | null;
}

export type OpResult =
  | { id: string; status: 'applied'; number?: number; version?: number; message?: string }
  /** `published` for a promotion request; `detail` for the other ops (what was refused, whose and when). */
  | { id: string; status: 'conflict'; message: string; published?: PublishedBy; detail?: Record<string, unknown> }
  | { id: string; status: 'rejected'; error: { code: string; message: string; field?: string } };

export interface PushAnswer {
  protocol: typeof SYNC_PROTOCOL;
  results: OpResult[];
}

export const PullQuery = z.object({
  cursor: z.string().regex(/^\d{1,15}\.\d{1,15}$/, 'is the nextCursor of a previous page (or 0.0 to start)').default('0.0'),
  limit: z.coerce.number().int().min(1, 'is 1 to 500').max(500, 'is 1 to 500').default(100),
});

/** A member as replicated (no keys, no passwords). */
export interface SyncUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  isActive: boolean;
  createdAt: string;
}

/** Rows as the server stores them (column names), copied into the replica as they are. */
export type SyncRow = Record<string, string | number | null>;

export interface PromptSnapshot {
  kind: 'prompt';
  seq: number;
  prompt: SyncRow;
  versions: SyncRow[];
  promotions: SyncRow[];
  shares: SyncRow[];
  testCases: SyncRow[];
  /** Every member the rows above name (owner, authors, promoters, shares). */
  users: SyncUser[];
}

/** `removed.key`: SHA-256 of `<member id>:<prompt id>` (core/sync/removal-key.ts), never the id itself. */
export type PullEntity = PromptSnapshot | { kind: 'removed'; seq: number; key: string } | { kind: 'user'; seq: number; user: SyncUser };

export interface PullAnswer {
  protocol: typeof SYNC_PROTOCOL;
  teamId: string;
  /** The member the credential stands for (the replica acts as them on team prompts). */
  member: SyncUser;
  entities: PullEntity[];
  /** Runs of replicated prompts, after the cursor's run part. */
  runs: SyncRow[];
  nextCursor: string;
  hasMore: boolean;
}
