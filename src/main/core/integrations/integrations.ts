import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, conflict, invalid, notFound } from '../errors';
import { assertActive, assertAdmin } from '../users/users-service';
import type { IntegrationRecord } from '../../store/repos/integrations-repo';
import type {
  Integration,
  IntegrationTestResult,
  ModelCheck,
  SaveIntegrationInput,
  SecretStorageInfo,
  TestIntegrationInput,
} from '../../../shared/schemas/integrations';
import type { User } from '../../../shared/schemas/users';
import { MODEL_REF_PATTERN } from '../../../shared/schemas/template';
import { keyHint } from './secret-box';
import { fetchModelList, type ProviderTarget } from './providers';
import { redactSecrets } from './redact-secrets';

const mayUse = (actor: User, record: IntegrationRecord) =>
  actor.isActive && (actor.role === 'admin' || record.access === 'everyone' || record.memberIds.includes(actor.id));

function toView(ctx: Ctx, record: IntegrationRecord): Integration {
  const creator = record.createdBy ? ctx.store.users.get(record.createdBy) : undefined;
  // Members only need the name and models; who else has access and key details are admin matters.
  const admin = ctx.actor.role === 'admin';
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    baseUrl: record.baseUrl,
    hasApiKey: record.apiKey !== null,
    apiKeyHint: admin ? record.apiKeyHint : null,
    models: record.models,
    access: record.access,
    memberIds: admin ? record.memberIds : [],
    usable: mayUse(ctx.actor, record),
    createdBy: creator ? { id: creator.id, name: creator.name, email: creator.email } : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Admins see every integration; members only those they may use. Keys never leave as text. */
export function listIntegrations(ctx: Ctx): Integration[] {
  assertActive(ctx.actor);
  return ctx.store.integrations
    .list()
    .filter((r) => ctx.actor.role === 'admin' || mayUse(ctx.actor, r))
    .map((r) => toView(ctx, r));
}

export function secretStorageInfo(ctx: Ctx): SecretStorageInfo {
  assertActive(ctx.actor);
  return ctx.runtime.secrets.info();
}

export function saveIntegration(ctx: Ctx, input: z.output<typeof SaveIntegrationInput>): Integration {
  assertAdmin(ctx.actor);
  const existing = input.id ? ctx.store.integrations.get(input.id) : undefined;
  if (input.id && !existing) throw notFound('Integration');
  const clash = ctx.store.integrations.getByName(input.name);
  if (clash && clash.id !== existing?.id) throw conflict(`An integration named "${input.name}" exists already`, 'name');
  for (const userId of input.memberIds) {
    if (!ctx.store.users.get(userId)) throw invalid(`Unknown member ${userId}`, 'memberIds');
  }

  let apiKey = existing?.apiKey ?? null;
  if (input.apiKey === undefined) assertKeyStaysOnHost(existing, input.baseUrl);
  let apiKeyHint = existing?.apiKeyHint ?? null;
  if (input.apiKey !== undefined) {
    const plain = input.apiKey.trim();
    if (plain === '') {
      apiKey = null;
      apiKeyHint = null;
    } else {
      const storage = ctx.runtime.secrets.info();
      if (storage.backend === 'weak' && !input.allowWeakKeyStorage) {
        throw invalid(`${storage.message} Confirm to store the key anyway.`, 'allowWeakKeyStorage');
      }
      apiKey = ctx.runtime.secrets.encrypt(plain);
      apiKeyHint = keyHint(plain);
    }
  }
  const now = nowIso(ctx);
  const record: IntegrationRecord = {
    id: existing?.id ?? randomUUID(),
    name: input.name,
    kind: input.kind,
    baseUrl: input.baseUrl,
    apiKey,
    apiKeyHint,
    models: [...new Set(input.models)],
    access: input.access,
    memberIds: input.access === 'selected' ? [...new Set(input.memberIds)] : [],
    createdBy: existing?.createdBy ?? ctx.actor.id,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  ctx.store.tx(() => {
    ctx.store.integrations.save(record);
    // A new key may be quoted in errors logged before it was stored: look through them again.
    if (input.apiKey?.trim()) ctx.store.settings.set(REDACTED_UP_TO_KEY, 0);
  });
  return toView(ctx, ctx.store.integrations.get(record.id)!);
}

export function deleteIntegration(ctx: Ctx, id: string): { deleted: true } {
  assertAdmin(ctx.actor);
  if (!ctx.store.tx(() => ctx.store.integrations.remove(id))) throw notFound('Integration');
  return { deleted: true };
}

/** A stored key goes only to the host it was entered for: pointing it elsewhere needs the key typed again. */
function assertKeyStaysOnHost(stored: IntegrationRecord | undefined, baseUrl: string): void {
  if (stored?.apiKey && new URL(stored.baseUrl).origin !== new URL(baseUrl).origin) {
    throw invalid('The base URL points at another host: enter the key again so it is not sent somewhere new', 'apiKey');
  }
}

function openKey(ctx: Ctx, record: IntegrationRecord): string | null {
  if (!record.apiKey) return null;
  try {
    return ctx.runtime.secrets.decrypt(record.apiKey);
  } catch {
    throw invalid(`The stored key of "${record.name}" cannot be decrypted here (was the data folder moved?); enter it again`, 'apiKey');
  }
}

/**
 * Every provider key this workspace holds, decrypted (keys that cannot be opened here are
 * skipped): what redactSecrets looks for in a provider's error before anyone sees it.
 */
export function providerSecrets(ctx: Pick<Ctx, 'store' | 'runtime'>): string[] {
  const keys: string[] = [];
  for (const record of ctx.store.integrations.list()) {
    if (!record.apiKey) continue;
    try {
      keys.push(ctx.runtime.secrets.decrypt(record.apiKey));
    } catch {
      // Sealed on another machine: it cannot have been sent from here either.
    }
  }
  return keys;
}

/** Logs rewritten per transaction by redactLoggedErrors: short transactions, so runs keep logging meanwhile. */
const REDACT_PAGE = 1_000;
/** How far redactLoggedErrors got (a log seq); reset when a key is stored, so older logs are read again. */
const REDACTED_UP_TO_KEY = 'logs.errorsRedactedUpTo';

/**
 * Provider errors logged before they were redacted at the source (or before the key they quote
 * was stored) are redacted in place: every logged error text goes through redactSecrets with
 * the keys stored now. Run by the host at start; `afterSeq` resumes (a setting remembers how
 * far it got, so each log is read once). Returns the number of logs changed.
 */
export function redactLoggedErrors(ctx: Pick<Ctx, 'store' | 'runtime'>): number {
  const { store } = ctx;
  const secrets = providerSecrets(ctx);
  let after = store.settings.get<number>(REDACTED_UP_TO_KEY) ?? 0;
  let changed = 0;
  for (;;) {
    const page = store.logs.errorsAfter(after, REDACT_PAGE);
    if (page.length === 0) break;
    const rewritten = page.map((row) => ({ seq: row.seq, error: redactSecrets(row.error, secrets) })).filter((row, i) => row.error !== page[i]!.error);
    after = page[page.length - 1]!.seq;
    store.tx(() => {
      store.logs.rewriteErrors(rewritten);
      store.settings.set(REDACTED_UP_TO_KEY, after);
    });
    changed += rewritten.length;
  }
  return changed;
}

/** Tries the provider with the form's settings (the stored key when none is typed): lists its models. */
export async function testIntegration(ctx: Ctx, input: z.output<typeof TestIntegrationInput>): Promise<IntegrationTestResult> {
  assertAdmin(ctx.actor);
  const stored = input.id ? ctx.store.integrations.get(input.id) : undefined;
  if (!input.apiKey?.trim()) assertKeyStaysOnHost(stored, input.baseUrl);
  const apiKey = input.apiKey?.trim() ? input.apiKey.trim() : stored ? openKey(ctx, stored) : null;
  const target: ProviderTarget = { name: stored?.name ?? 'test', kind: input.kind, baseUrl: input.baseUrl, apiKey };
  const started = performance.now();
  try {
    const models = await fetchModelList(target, ctx.runtime.limits);
    const latencyMs = Math.round(performance.now() - started);
    return {
      ok: true,
      models,
      latencyMs,
      message: models.length > 0 ? `Connected: ${models.length} models available` : 'Connected; this provider lists no models, so add them by hand',
    };
  } catch (error) {
    // The provider may quote the key it was sent ("Incorrect API key provided: sk-…").
    const message = redactSecrets((error as Error).message, [apiKey, ...providerSecrets(ctx)]);
    return { ok: false, models: [], latencyMs: Math.round(performance.now() - started), message };
  }
}

export interface ResolvedModel {
  ref: string;
  target: ProviderTarget;
  modelId: string;
}

function splitRef(ref: string): [string, string] {
  const at = ref.indexOf(':');
  return [ref.slice(0, at), ref.slice(at + 1)];
}

type RefIntegration = { record: IntegrationRecord; usable: true } | { record: IntegrationRecord; usable: false } | { record: null; usable: false };

/**
 * The one rule for a model reference's integration: it exists, and the actor may use it
 * (everyone, a selected member, or an admin). Runs, seed 001's save and the editor's warnings
 * (checkModels) all ask here.
 */
function integrationOfRef(ctx: Ctx, ref: string): RefIntegration {
  const record = ctx.store.integrations.getByName(splitRef(ref)[0]) ?? null;
  if (!record) return { record: null, usable: false };
  return mayUse(ctx.actor, record) ? { record, usable: true } : { record, usable: false };
}

/** `integrationName:modelName` to a provider the actor may use, with its key opened. */
export function resolveModel(ctx: Ctx, ref: string, field = 'model'): ResolvedModel {
  const [name, modelId] = splitRef(ref);
  const { record, usable } = integrationOfRef(ctx, ref);
  if (!record) throw new AppError('not_found', `Integration "${name}" (from "${ref}") not found; an admin adds it in Settings`, field);
  if (!usable) throw new AppError('forbidden', `You may not use the integration "${record.name}"; ask an admin`, field);
  return { ref: `${record.name}:${modelId}`, target: { name: record.name, kind: record.kind, baseUrl: record.baseUrl, apiKey: openKey(ctx, record) }, modelId };
}

/** Every `integration:model` the actor may run, in integration then model order. */
export function usableModels(ctx: Ctx): string[] {
  return ctx.store.integrations
    .list()
    .filter((r) => mayUse(ctx.actor, r))
    .flatMap((r) => r.models.map((m) => `${r.name}:${m}`));
}

/**
 * The integrations the actor may use (the same rule as runs: mayUse) whose known models list
 * `modelId`, by name in list order: how a bare model name (Conductor's `models=gpt-4o`) finds
 * its integration (core/compat/conductor.ts conductorModelRef).
 */
export function integrationsListing(ctx: Ctx, modelId: string): string[] {
  return ctx.store.integrations
    .list()
    .filter((r) => mayUse(ctx.actor, r) && r.models.includes(modelId))
    .map((r) => r.name);
}

/** Seed 001: each model reference names an integration that exists and the caller may use. */
export function requireIntegrations(ctx: Ctx, models: string[]): void {
  for (const model of models) {
    const { record, usable } = integrationOfRef(ctx, model);
    if (!record) throw notFound(`Integration "${splitRef(model)[0]}" (from "${model}")`);
    if (!usable) throw new AppError('forbidden', `You may not use the integration "${record.name}"`);
  }
}

/**
 * The editor's warnings for the models a version names, one per reference in the order given
 * (`ModelCheck`): an integration that does not exist or that the actor may not use is a
 * warning (a run on it is refused: 404 / 403 field `model`); a model the integration does not
 * list is only noted (providers serve models they do not list, so it is kept as written, as
 * saving does). Members learn nothing here that a run would not tell them.
 */
export function checkModels(ctx: Ctx, models: string[]): ModelCheck[] {
  assertActive(ctx.actor);
  return models.map((model): ModelCheck => {
    if (!MODEL_REF_PATTERN.test(model)) {
      return { model, problem: 'malformed', severity: 'warning', message: 'Write it as integration:model, e.g. openai:gpt-4o' };
    }
    const [name, modelId] = splitRef(model);
    const { record, usable } = integrationOfRef(ctx, model);
    if (!record) {
      return { model, problem: 'unknown-integration', severity: 'warning', message: `There is no integration named "${name}": runs on this model are refused until an admin adds it in Settings` };
    }
    if (!usable) {
      return { model, problem: 'not-usable', severity: 'warning', message: `You may not use the integration "${record.name}": your runs skip this model; ask an admin` };
    }
    if (!record.models.includes(modelId)) {
      return { model, problem: 'not-listed', severity: 'info', message: `"${record.name}" does not list ${modelId}; fine if the provider serves it` };
    }
    return { model, problem: null, severity: null, message: null };
  });
}
