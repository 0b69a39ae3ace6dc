import type { Channel, ChannelOutput, ChannelParsed } from '../../shared/contract/contract';
import { CONTRACT } from '../../shared/contract/contract';
import { refuseUnknownFields } from './unknown-fields';
import type { AppInfo } from '../../shared/schemas/app';
import type { Result } from '../../shared/schemas/common';
import type { Ctx } from './context';
import { fromZodError, toErrorShape } from './errors';
import { createPrompt, deletePrompt, getPrompt, listPrompts, listRunnablePrompts, setApiSettings, updatePrompt } from './prompts/prompts-service';
import { createKey, listKeys, revokeKey } from './keys/keys-service';
import { getVersion, listVersions, saveVersion } from './versions/versions-service';
import { previewRender } from './render/render-service';
import {
  commitVersion,
  deleteVersion,
  getDeployment,
  listPromotions,
  pinDeployment,
  promoteVersion,
  restoreVersion,
  unarchiveVersion,
} from './versions/lifecycle';
import { compareVersions } from './versions/compare';
import { addUser, listUsers, searchUsers, setUserActive } from './users/users-service';
import { addShare, getSharing, removeShare, setSharingLevel } from './sharing/sharing-service';
import { accessForUser } from './sharing/access-report';
import type { User } from '../../shared/schemas/users';
import { setDataLogging } from './prompts/prompts-service';
import { checkModels, deleteIntegration, listIntegrations, saveIntegration, secretStorageInfo, testIntegration } from './integrations/integrations';
import { cancelRun, prepareRun, startRun, watchRun } from './runs/run-service';
import { cancelRefine, prepareRefine, saveRefined, startRefine, watchRefine } from './refine/refine-service';
import { deleteTestCase, listTestCases, saveTestCase } from './runs/test-cases-service';
import { getReadiness, readinessSettings, setReadinessRequired, tickReadiness } from './readiness/readiness-service';
import { exportLogs, getLog, listLogs, logSettings, logStats, purgeLogs, rateRun, setRetention } from './logs/logs-service';

export interface HostInfo {
  appInfo(ctx: Ctx): AppInfo;
  /** Turns the HTTP API server on or off, or moves it to another port. */
  configureApi(ctx: Ctx, settings: { enabled: boolean; port: number }): Promise<AppInfo['api']>;
  /** Makes another member the one this session acts as, if core/sessions/member-switch.ts allows it. */
  switchMember(ctx: Ctx, input: { userId: string; key?: string }): User;
}

type Handlers = { [C in Channel]: (ctx: Ctx, input: ChannelParsed<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>> };

/** The contract, implemented once: IPC and the headless bridge both dispatch here. */
export function createHandlers(host: HostInfo): Handlers {
  return {
    'app:info': (ctx) => host.appInfo(ctx),
    'api:configure': (ctx, input) => host.configureApi(ctx, input),
    'prompts:list': (ctx, input) => listPrompts(ctx, input),
    'prompts:runnable': (ctx, input) => listRunnablePrompts(ctx, input),
    'prompts:get': (ctx, input) => getPrompt(ctx, input.name),
    'prompts:create': (ctx, input) => createPrompt(ctx, input),
    'prompts:delete': (ctx, input) => deletePrompt(ctx, input.name),
    'prompts:set-api': (ctx, input) => setApiSettings(ctx, input),
    'versions:save': (ctx, input) => saveVersion(ctx, input),
    'versions:list': (ctx, input) => listVersions(ctx, input.name),
    'versions:get': (ctx, input) => getVersion(ctx, input.name, input.number),
    'versions:commit': (ctx, input) => commitVersion(ctx, input.name, input.number),
    'versions:promote': (ctx, input) => promoteVersion(ctx, input),
    'versions:unarchive': (ctx, input) => unarchiveVersion(ctx, input.name, input.number),
    'versions:restore': (ctx, input) => restoreVersion(ctx, input.name, input.number),
    'versions:delete': (ctx, input) => deleteVersion(ctx, input.name, input.number),
    'versions:compare': (ctx, input) => compareVersions(ctx, input.name, input.from, input.to),
    'promotions:list': (ctx, input) => listPromotions(ctx, input),
    'deployment:get': (ctx, input) => getDeployment(ctx, input.name),
    'deployment:pin': (ctx, input) => pinDeployment(ctx, input.name, input.version),
    'render:preview': (_ctx, input) => previewRender(input),
    'sharing:get': (ctx, input) => getSharing(ctx, input.name),
    'sharing:set-level': (ctx, input) => setSharingLevel(ctx, input),
    'sharing:add': (ctx, input) => addShare(ctx, input),
    'sharing:remove': (ctx, input) => removeShare(ctx, input),
    'users:list': (ctx) => listUsers(ctx),
    'users:add': (ctx, input) => addUser(ctx, input),
    'users:set-active': (ctx, input) => setUserActive(ctx, input.userId, input.isActive),
    'users:search': (ctx, input) => searchUsers(ctx, input.query),
    'users:access': (ctx, input) => accessForUser(ctx, input.userId),
    'session:switch': (ctx, input) => host.switchMember(ctx, input),
    'keys:list': (ctx) => listKeys(ctx),
    'keys:create': (ctx, input) => createKey(ctx, input),
    'keys:revoke': (ctx, input) => revokeKey(ctx, input.keyId),
    'integrations:list': (ctx) => listIntegrations(ctx),
    'integrations:check-models': (ctx, input) => checkModels(ctx, input.models),
    'integrations:save': (ctx, input) => saveIntegration(ctx, input),
    'integrations:delete': (ctx, input) => deleteIntegration(ctx, input.id),
    'integrations:test': (ctx, input) => testIntegration(ctx, input),
    'integrations:secret-storage': (ctx) => secretStorageInfo(ctx),
    'prompts:set-logging': (ctx, input) => setDataLogging(ctx, input.name, input.level),
    'runs:prepare': (ctx, input) => prepareRun(ctx, input.name),
    'runs:start': (ctx, input) => startRun(ctx, input),
    'runs:watch': (ctx, input) => watchRun(ctx, input),
    'runs:cancel': (ctx, input) => cancelRun(ctx, input.runId),
    'refine:prepare': (ctx, input) => prepareRefine(ctx, input),
    'refine:start': (ctx, input) => startRefine(ctx, input),
    'refine:watch': (ctx, input) => watchRefine(ctx, input),
    'refine:cancel': (ctx, input) => cancelRefine(ctx, input.runId),
    'refine:save': (ctx, input) => saveRefined(ctx, input),
    'testcases:list': (ctx, input) => listTestCases(ctx, input.name),
    'testcases:save': (ctx, input) => saveTestCase(ctx, input),
    'testcases:delete': (ctx, input) => deleteTestCase(ctx, input.name, input.id),
    'logs:list': (ctx, input) => listLogs(ctx, input),
    'logs:get': (ctx, input) => getLog(ctx, input.id),
    'logs:stats': (ctx, input) => logStats(ctx, input),
    'logs:rate': (ctx, input) => rateRun(ctx, input),
    'logs:export': (ctx, input) => exportLogs(ctx, input),
    'logs:export-status': (ctx, input) => ctx.runtime.exports.status(ctx, input.exportId),
    'logs:settings': (ctx) => logSettings(ctx),
    'logs:set-retention': (ctx, input) => setRetention(ctx, input.days),
    'logs:purge': (ctx) => purgeLogs(ctx),
    'prompts:update': (ctx, input) => updatePrompt(ctx, input),
    'readiness:get': (ctx, input) => getReadiness(ctx, input.name),
    'readiness:tick': (ctx, input) => tickReadiness(ctx, input),
    'readiness:settings': (ctx) => readinessSettings(ctx),
    'readiness:set-required': (ctx, input) => setReadinessRequired(ctx, input.required),
  };
}

export function isChannel(value: string): value is Channel {
  return Object.hasOwn(CONTRACT, value);
}

/**
 * Parses the input with the channel's schema, runs the handler, and wraps the outcome: the one
 * place IPC and bridge inputs are validated. A member the schema does not read is refused
 * (`invalid`, naming it) as native HTTP bodies are (core/unknown-fields.ts), never ignored.
 */
export async function dispatch<C extends Channel>(handlers: Handlers, ctx: Ctx, channel: C, input: unknown): Promise<Result<ChannelOutput<C>>> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    try {
      refuseUnknownFields(CONTRACT[channel], input as Record<string, unknown>, {});
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  }
  const parsed = CONTRACT[channel].safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error).toJSON() };
  try {
    const handler = handlers[channel] as (ctx: Ctx, input: ChannelParsed<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
    return { ok: true, value: await handler(ctx, parsed.data as ChannelParsed<C>) };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'AppError') console.error(`[${channel}]`, error);
    return { ok: false, error: toErrorShape(error) };
  }
}
