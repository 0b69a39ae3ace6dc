import { z } from 'zod';
import type { Channel } from './channels';
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

/** Input schema of every channel: the main process parses with these before acting. */
export const CONTRACT = {
  'app:info': NoInput,
  'api:configure': ConfigureApiInput,
  'prompts:list': ListPromptsInput,
  'prompts:runnable': ListPromptsInput,
  'prompts:get': PromptRefInput,
  'prompts:create': CreatePromptInput,
  'prompts:delete': PromptRefInput,
  'prompts:set-api': SetApiSettingsInput,
  'versions:save': SaveVersionInput,
  'versions:list': PromptRefInput,
  'versions:get': VersionRefInput,
  'versions:commit': VersionRefInput,
  'versions:promote': PromoteInput,
  'versions:unarchive': VersionRefInput,
  'versions:restore': VersionRefInput,
  'versions:delete': VersionRefInput,
  'versions:compare': CompareInput,
  'promotions:list': PromotionsInput,
  'deployment:get': PromptRefInput,
  'deployment:pin': PinInput,
  'sharing:get': PromptRefInput,
  'sharing:set-level': SetSharingLevelInput,
  'sharing:add': AddShareInput,
  'sharing:remove': RemoveShareInput,
  'render:preview': PreviewRenderInput,
  'users:list': NoInput,
  'users:add': AddUserInput,
  'users:set-active': SetUserActiveInput,
  'users:search': SearchUsersInput,
  'users:access': UserRefInput,
  'session:switch': SwitchMemberInput,
  'keys:list': NoInput,
  'keys:create': CreateKeyInput,
  'keys:revoke': KeyRefInput,
  'integrations:list': NoInput,
  'integrations:save': SaveIntegrationInput,
  'integrations:delete': IntegrationRefInput,
  'integrations:test': TestIntegrationInput,
  'integrations:secret-storage': NoInput,
  'integrations:check-models': CheckModelsInput,
  'prompts:set-logging': SetDataLoggingInput,
  'runs:prepare': PromptRefInput,
  'runs:start': StartRunInput,
  'runs:watch': WatchRunInput,
  'runs:cancel': RunRefInput,
  'refine:prepare': PrepareRefineInput,
  'refine:start': StartRefineInput,
  'refine:watch': WatchRunInput,
  'refine:cancel': RunRefInput,
  'refine:save': SaveRefinedInput,
  'testcases:list': PromptRefInput,
  'testcases:save': SaveTestCaseInput,
  'testcases:delete': DeleteTestCaseInput,
  'logs:list': ListLogsInput,
  'logs:get': LogRefInput,
  'logs:stats': LogStatsInput,
  'logs:rate': RateRunInput,
  'logs:export': ExportLogsInput,
  'logs:export-status': ExportRefInput,
  'logs:settings': NoInput,
  'logs:set-retention': RetentionInput,
  'logs:purge': NoInput,
  'prompts:update': UpdatePromptInput,
  'readiness:get': PromptRefInput,
  'readiness:tick': ReadinessTickInput,
  'readiness:settings': NoInput,
  'readiness:set-required': ReadinessRequiredInput,
} satisfies Record<Channel, z.ZodType>;

export interface ChannelOutputs {
  'app:info': AppInfo;
  'api:configure': ApiServerState;
  'prompts:list': PromptList;
  'prompts:runnable': PromptList;
  'prompts:get': PromptDetail;
  'prompts:create': PromptDetail;
  'prompts:delete': { deleted: true };
  'prompts:set-api': PromptDetail;
  'versions:save': PromptVersion;
  'versions:list': VersionSummary[];
  'versions:get': PromptVersion;
  'versions:commit': WrittenVersion;
  'versions:promote': Promotion;
  'versions:unarchive': WrittenVersion;
  'versions:restore': PromptVersion;
  'versions:delete': { deleted: true };
  'versions:compare': VersionComparison;
  'promotions:list': Promotion[];
  'deployment:get': Deployment;
  'deployment:pin': Deployment;
  'render:preview': Omit<RenderedPrompt, 'prompt' | 'version'>;
  'sharing:get': SharingInfo;
  'sharing:set-level': SharingInfo;
  'sharing:add': SharingInfo;
  'sharing:remove': SharingInfo;
  'users:list': User[];
  'users:add': User;
  'users:set-active': User;
  'users:search': User[];
  'users:access': AccessEntry[];
  'session:switch': User;
  'keys:list': ApiKeyListItem[];
  /** The plain key is in this answer only; it is never shown again. */
  'keys:create': { key: string; info: ApiKeyInfo };
  'keys:revoke': ApiKeyInfo;
  /** Admins see every integration; members see the ones they may use. */
  'integrations:list': Integration[];
  'integrations:save': Integration;
  'integrations:delete': { deleted: true };
  'integrations:test': IntegrationTestResult;
  'integrations:secret-storage': SecretStorageInfo;
  /** The editor's warnings for model references, one per reference (core/integrations checkModels). */
  'integrations:check-models': ModelCheck[];
  'prompts:set-logging': PromptDetail;
  'runs:prepare': RunnablePrompt;
  'runs:start': RunStarted;
  'runs:watch': RunProgress;
  'runs:cancel': RunProgress;
  /** Models, test-case count and whether saving is allowed, before the first refine turn. */
  'refine:prepare': RefinePreparation;
  /** Starts one refine turn (a run with source `refine`); follow it with refine:watch. */
  'refine:start': RefineStarted;
  /** Long poll like runs:watch; `result` is set once the turn succeeded (proposal parsed, diff computed). */
  'refine:watch': RefineProgress;
  /** Stops the turn (Stop); answers its final progress. */
  'refine:cancel': RefineProgress;
  /** Saves a proposal as a new version (edit permission; commit message says it came from Refine). */
  'refine:save': PromptVersion;
  'testcases:list': TestCase[];
  'testcases:save': TestCase;
  'testcases:delete': { deleted: true };
  'logs:list': LogPage;
  'logs:get': LogDetail;
  'logs:stats': LogStats;
  'logs:rate': LogDetail;
  'logs:export': LogExportStatus;
  'logs:export-status': LogExportStatus;
  'logs:settings': LogSettings;
  'logs:set-retention': LogSettings;
  /** Removes logs older than the retention setting now. */
  'logs:purge': LogSettings;
  /** Title, description, tags or slash command (edit permission); the readiness checklist's naming item is fixed here. */
  'prompts:update': PromptDetail;
  /** The deployment readiness checklist of a prompt (read permission). */
  'readiness:get': Readiness;
  'readiness:tick': Readiness;
  'readiness:settings': ReadinessSettings;
  /** Admins: require the checklist before widening access to everyone. */
  'readiness:set-required': ReadinessSettings;
}

export type ChannelInput<C extends Channel> = z.input<(typeof CONTRACT)[C]>;
export type ChannelParsed<C extends Channel> = z.output<(typeof CONTRACT)[C]>;
export type ChannelOutput<C extends Channel> = ChannelOutputs[C];
