import { z } from 'zod';
import {
  CreatePromptInput,
  ListPromptsInput,
  PreviewRenderInput,
  PromptRefInput,
  SaveVersionInput,
  SetApiSettingsInput,
  UpdatePromptInput,
  VersionRefInput,
} from '../schemas/prompts';
import type {
  PromptDetail,
  PromptList,
  PromptVersion,
  RenderedPrompt,
  VersionSummary,
  WrittenVersion,
} from '../schemas/prompts';
import type { User } from '../schemas/users';
import { AddUserInput, CreateKeyInput, KeyRefInput, SearchUsersInput, SetUserActiveInput, UserRefInput } from '../schemas/users';
import { SwitchMemberInput } from '../schemas/session';
import type { ApiKeyInfo, ApiKeyListItem } from '../schemas/users';
import { AddShareInput, RemoveShareInput, SetSharingLevelInput } from '../schemas/sharing';
import type { AccessEntry, SharingInfo } from '../schemas/sharing';
import { CompareInput, PinInput, PromoteInput, PromotionsInput } from '../schemas/versions';
import type { Deployment, Promotion, VersionComparison } from '../schemas/versions';
import type { ApiServerState, AppInfo } from '../schemas/app';
import { ConfigureApiInput } from '../schemas/app';

import { CheckModelsInput, IntegrationRefInput, SaveIntegrationInput, TestIntegrationInput } from '../schemas/integrations';
import type { Integration, IntegrationTestResult, ModelCheck, SecretStorageInfo } from '../schemas/integrations';
import { DeleteTestCaseInput, RunRefInput, SaveTestCaseInput, SetDataLoggingInput, StartRunInput, WatchRunInput } from '../schemas/runs';
import type { RunProgress, RunStarted, RunnablePrompt, TestCase } from '../schemas/runs';
import { PrepareRefineInput, SaveRefinedInput, StartRefineInput } from '../schemas/refine';
import type { RefinePreparation, RefineProgress, RefineStarted } from '../schemas/refine';
import { ExportLogsInput, ExportRefInput, ListLogsInput, LogRefInput, LogStatsInput, RateRunInput, RetentionInput } from '../schemas/logs';
import type { LogDetail, LogExportStatus, LogPage, LogSettings, LogStats } from '../schemas/logs';
import { ReadinessRequiredInput, ReadinessTickInput } from '../schemas/readiness';
import type { Readiness, ReadinessSettings } from '../schemas/readiness';

const NoInput = z.object({}).strict().default({});

/** A channel's output type, carried by the map for the type system only (no value at runtime). */
const returns = <T>(): T => undefined as T;

/**
 * Every call the renderer may make, named `area:verb`, declared once: its input schema (main
 * parses with it before acting) and its output type. The channel list, the IPC registration, the
 * preload whitelist, the headless bridge and the `DesktopApi` type are all derived from this map.
 */
export const CHANNEL_MAP = {
  'app:info': { input: NoInput, output: returns<AppInfo>() },
  'api:configure': { input: ConfigureApiInput, output: returns<ApiServerState>() },
  'prompts:list': { input: ListPromptsInput, output: returns<PromptList>() },
  'prompts:runnable': { input: ListPromptsInput, output: returns<PromptList>() },
  'prompts:get': { input: PromptRefInput, output: returns<PromptDetail>() },
  'prompts:create': { input: CreatePromptInput, output: returns<PromptDetail>() },
  'prompts:delete': { input: PromptRefInput, output: returns<{ deleted: true }>() },
  'prompts:set-api': { input: SetApiSettingsInput, output: returns<PromptDetail>() },
  'versions:save': { input: SaveVersionInput, output: returns<PromptVersion>() },
  'versions:list': { input: PromptRefInput, output: returns<VersionSummary[]>() },
  'versions:get': { input: VersionRefInput, output: returns<PromptVersion>() },
  'versions:commit': { input: VersionRefInput, output: returns<WrittenVersion>() },
  'versions:promote': { input: PromoteInput, output: returns<Promotion>() },
  'versions:unarchive': { input: VersionRefInput, output: returns<WrittenVersion>() },
  'versions:restore': { input: VersionRefInput, output: returns<PromptVersion>() },
  'versions:delete': { input: VersionRefInput, output: returns<{ deleted: true }>() },
  'versions:compare': { input: CompareInput, output: returns<VersionComparison>() },
  'promotions:list': { input: PromotionsInput, output: returns<Promotion[]>() },
  'deployment:get': { input: PromptRefInput, output: returns<Deployment>() },
  'deployment:pin': { input: PinInput, output: returns<Deployment>() },
  'sharing:get': { input: PromptRefInput, output: returns<SharingInfo>() },
  'sharing:set-level': { input: SetSharingLevelInput, output: returns<SharingInfo>() },
  'sharing:add': { input: AddShareInput, output: returns<SharingInfo>() },
  'sharing:remove': { input: RemoveShareInput, output: returns<SharingInfo>() },
  'render:preview': { input: PreviewRenderInput, output: returns<Omit<RenderedPrompt, 'prompt' | 'version'>>() },
  'users:list': { input: NoInput, output: returns<User[]>() },
  'users:add': { input: AddUserInput, output: returns<User>() },
  'users:set-active': { input: SetUserActiveInput, output: returns<User>() },
  'users:search': { input: SearchUsersInput, output: returns<User[]>() },
  'users:access': { input: UserRefInput, output: returns<AccessEntry[]>() },
  'session:switch': { input: SwitchMemberInput, output: returns<User>() },
  'keys:list': { input: NoInput, output: returns<ApiKeyListItem[]>() },
  /** The plain key is in this answer only; it is never shown again. */
  'keys:create': { input: CreateKeyInput, output: returns<{ key: string; info: ApiKeyInfo }>() },
  'keys:revoke': { input: KeyRefInput, output: returns<ApiKeyInfo>() },
  /** Admins see every integration; members see the ones they may use. */
  'integrations:list': { input: NoInput, output: returns<Integration[]>() },
  'integrations:save': { input: SaveIntegrationInput, output: returns<Integration>() },
  'integrations:delete': { input: IntegrationRefInput, output: returns<{ deleted: true }>() },
  'integrations:test': { input: TestIntegrationInput, output: returns<IntegrationTestResult>() },
  'integrations:secret-storage': { input: NoInput, output: returns<SecretStorageInfo>() },
  /** The editor's warnings for model references, one per reference (core/integrations checkModels). */
  'integrations:check-models': { input: CheckModelsInput, output: returns<ModelCheck[]>() },
  'prompts:set-logging': { input: SetDataLoggingInput, output: returns<PromptDetail>() },
  'runs:prepare': { input: PromptRefInput, output: returns<RunnablePrompt>() },
  'runs:start': { input: StartRunInput, output: returns<RunStarted>() },
  'runs:watch': { input: WatchRunInput, output: returns<RunProgress>() },
  'runs:cancel': { input: RunRefInput, output: returns<RunProgress>() },
  /** Models, test-case count and whether saving is allowed, before the first refine turn. */
  'refine:prepare': { input: PrepareRefineInput, output: returns<RefinePreparation>() },
  /** Starts one refine turn (a run with source `refine`); follow it with refine:watch. */
  'refine:start': { input: StartRefineInput, output: returns<RefineStarted>() },
  /** Long poll like runs:watch; `result` is set once the turn succeeded (proposal parsed, diff computed). */
  'refine:watch': { input: WatchRunInput, output: returns<RefineProgress>() },
  /** Stops the turn (Stop); answers its final progress. */
  'refine:cancel': { input: RunRefInput, output: returns<RefineProgress>() },
  /** Saves a proposal as a new version (edit permission; commit message says it came from Refine). */
  'refine:save': { input: SaveRefinedInput, output: returns<PromptVersion>() },
  'testcases:list': { input: PromptRefInput, output: returns<TestCase[]>() },
  'testcases:save': { input: SaveTestCaseInput, output: returns<TestCase>() },
  'testcases:delete': { input: DeleteTestCaseInput, output: returns<{ deleted: true }>() },
  'logs:list': { input: ListLogsInput, output: returns<LogPage>() },
  'logs:get': { input: LogRefInput, output: returns<LogDetail>() },
  'logs:stats': { input: LogStatsInput, output: returns<LogStats>() },
  'logs:rate': { input: RateRunInput, output: returns<LogDetail>() },
  'logs:export': { input: ExportLogsInput, output: returns<LogExportStatus>() },
  'logs:export-status': { input: ExportRefInput, output: returns<LogExportStatus>() },
  'logs:settings': { input: NoInput, output: returns<LogSettings>() },
  'logs:set-retention': { input: RetentionInput, output: returns<LogSettings>() },
  /** Removes logs older than the retention setting now. */
  'logs:purge': { input: NoInput, output: returns<LogSettings>() },
  /** Title, description, tags or slash command (edit permission); the readiness checklist's naming item is fixed here. */
  'prompts:update': { input: UpdatePromptInput, output: returns<PromptDetail>() },
  /** The deployment readiness checklist of a prompt (read permission). */
  'readiness:get': { input: PromptRefInput, output: returns<Readiness>() },
  'readiness:tick': { input: ReadinessTickInput, output: returns<Readiness>() },
  'readiness:settings': { input: NoInput, output: returns<ReadinessSettings>() },
  /** Admins: require the checklist before widening access to everyone. */
  'readiness:set-required': { input: ReadinessRequiredInput, output: returns<ReadinessSettings>() },
} satisfies Record<`${string}:${string}`, { input: z.ZodType; output: unknown }>;

export type Channel = keyof typeof CHANNEL_MAP;

/** The channel names, in declaration order. */
export const CHANNELS = Object.keys(CHANNEL_MAP) as Channel[];

/** Input schema of every channel: the main process parses with these before acting. */
export const CONTRACT = Object.fromEntries(CHANNELS.map((c) => [c, CHANNEL_MAP[c].input])) as {
  [C in Channel]: (typeof CHANNEL_MAP)[C]['input'];
};

export type ChannelInput<C extends Channel> = z.input<(typeof CONTRACT)[C]>;
export type ChannelParsed<C extends Channel> = z.output<(typeof CONTRACT)[C]>;
export type ChannelOutput<C extends Channel> = (typeof CHANNEL_MAP)[C]['output'];
