import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, invalid, promptNotFound } from '../errors';
import { createPrompt, deletePrompt, everyListedPrompt, freePromptName, listPrompts, updatePrompt } from '../prompts/prompts-service';
import { deployedNumber, getVersion, listVersions, saveVersion, versionOf } from '../versions/versions-service';
import { commitVersion, deleteVersion, immutableReason, promoteFromAnyState, updateVersion } from '../versions/lifecycle';
import { inSeedFields } from './seed-fields';
import { requirePrompt } from '../sharing/access';
import { mayReadBack, writtenVersion } from '../sharing/read-back';
import { ListPromptsInput } from '../../../shared/schemas/prompts';
import { MODEL_REF_PATTERN, type ModelSettings } from '../../../shared/schemas/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { ChatMessage } from '../../../shared/template/template';
import {
  RESPAN_SORTS,
  type RespanCommitSchema,
  type RespanCreatePromptSchema,
  type RespanListSchema,
  type RespanPageSchema,
  type RespanUpdatePromptSchema,
  type RespanUpdateVersionSchema,
  type RespanVersionSchema,
} from './respan-schemas';
import { respanPage, respanPageNumber, respanPageSize } from './respan-pages';
import { RESPAN_MODEL_PREFIX, respanPrompt, respanVersion } from './respan-shapes';
import { keepParams, paramsIn, paramsOf, RESPAN_PARAM_DEFAULTS } from './respan-params';
import { respanTemplate, respanVariables } from './respan-variables';

export * from './respan-schemas';
export { respanPrompt, respanVersion } from './respan-shapes';

/**
 * Respan's (Keywords AI's) prompts API over Promptdesk's services (seed 004). The contract is
 * the product as its Python SDK calls it (Keywords-AI/keywordsai
 * python-sdks/respan/src/respan/prompts/api.py, respan_sdk/respan_types/prompt_types.py) and its
 * public reference (respan.ai/docs/apis/prompts). Every rule (who may, what a version may become)
 * stays in the prompts, versions and sharing services; this module maps shapes and flags.
 */

/**
 * Seed 004's names for the core's fields: the template is the body's `messages` (a text template
 * its one user message), and a version
 * number is the path's `version` (Respan's `/versions/{version}`), never Promptdesk's `number`.
 */
const RESPAN_FIELDS = [
  ['template.messages', 'messages'],
  // A text template is answered, and written back, as one user message (respan-variables.ts).
  ['template.text', 'messages.0.content'],
  ['number', 'version'],
] as const;

/** Runs a core call with its error's field in seed 004's names (RESPAN_FIELDS). */
const inRespanFields = <T>(call: () => T): T => inSeedFields(RESPAN_FIELDS, call);

/**
 * The fixed routes under `/api/prompts/` (python-sdks/respan/src/respan/constants/prompt_constants.py:
 * `prompts/list`, and the reference's `prompts/summary`). They win over a prompt reference for
 * every method, so no prompt gets one of them as its slug (respanSlug), and a path naming one is
 * never a prompt's path (resolve), even for a prompt named so through another door.
 */
export const RESPAN_RESERVED_SLUGS: ReadonlySet<string> = new Set(['list', 'summary']);

/** A page of a Respan list before the door turns page numbers into the product's URLs. */
export interface RespanList<T> {
  results: T[];
  count: number;
  nextPage: number | null;
  previousPage: number | null;
}

/**
 * A Respan prompt id is Promptdesk's prompt id; the prompt's name is accepted too, except a
 * reserved one (RESPAN_RESERVED_SLUGS), which is a fixed route: Django's "Not found." for a
 * method or sub-path that route lacks, as the door answers every path it does not serve.
 */
function resolve(ctx: Ctx, ref: string): PromptRow {
  if (RESPAN_RESERVED_SLUGS.has(ref.toLowerCase())) throw new AppError('not_found', 'Not found.');
  const row = ctx.store.prompts.getRowById(ref) ?? ctx.store.prompts.getRowByName(ref);
  if (!row) throw promptNotFound();
  return row;
}

const fresh = (ctx: Ctx, row: PromptRow) => ctx.store.prompts.getRowById(row.id)!;

/** Respan's `model` + `fallback_models` (bare names) as Promptdesk's model list (integration:model). */
function modelsFrom(model: string | undefined, fallbacks: string[] | null | undefined): string[] {
  const named = [model, ...(fallbacks ?? [])].filter((m): m is string => m !== undefined && m !== '');
  return named.map((m, i) => {
    const ref = m.includes(':') ? m : `${RESPAN_MODEL_PREFIX}${m}`;
    if (!MODEL_REF_PATTERN.test(ref)) throw invalid(`${m} is not a valid model name`, i === 0 && model ? 'model' : 'fallback_models');
    return ref;
  });
}

/**
 * `POST /api/prompts/` (the SDK's `PromptAPI.create`, python-sdks/respan/src/respan/prompts/api.py):
 * a prompt with no version yet. `name` is its title (the SDK's model defaults it to "Untitled"),
 * its Promptdesk name the slug made from it (respanSlug). Answers the prompt object (respanPrompt).
 * @throws AppError forbidden when the caller may not create prompts, invalid for a blank name
 */
export function respanCreatePrompt(ctx: Ctx, input: z.output<typeof RespanCreatePromptSchema>) {
  return ctx.store.tx(() => {
    const name = respanSlug(ctx, input.name);
    createPrompt(ctx, { name, title: input.name, description: input.description ?? '', tags: [], slashCommand: null });
    return respanPrompt(ctx, ctx.store.prompts.getRowByName(name)!);
  });
}

/**
 * The slug (Promptdesk name) of a prompt created through this door: its display name made
 * URL-safe; a slug that is taken, or reserved for a fixed route (RESPAN_RESERVED_SLUGS), gets a
 * numeric suffix (`summary` -> `summary-2`).
 */
export function respanSlug(ctx: Ctx, title: string): string {
  const base = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 90) || 'prompt';
  return freePromptName(ctx, base, RESPAN_RESERVED_SLUGS);
}

/**
 * `GET /api/prompts/{id}/` (the SDK's `PromptAPI.get`): the prompt object (respanPrompt) by id or
 * name. Missing, hidden and unreadable are the same promptNotFound() 404.
 */
export function respanGetPrompt(ctx: Ctx, ref: string) {
  return respanPrompt(ctx, requirePrompt(ctx, resolve(ctx, ref).name, 'read'));
}

/**
 * `PATCH /api/prompts/{id}`: name (the title), description, tags, and `deploy: true`, which the
 * SDK's `PromptAPI.deploy` sends to make the newest committed version live (400 when none is
 * committed). `deploy: false` asks for nothing. One transaction: a refused deploy changes nothing.
 */
export function respanUpdatePrompt(ctx: Ctx, ref: string, input: z.output<typeof RespanUpdatePromptSchema>) {
  return ctx.store.tx(() => {
    const row = resolve(ctx, ref);
    const readable = mayReadBack(ctx, requirePrompt(ctx, row.name, 'edit'));
    if (input.name !== undefined || input.description !== undefined || input.tags !== undefined) {
      // A null description clears it (the reference types it "string or null"; Promptdesk keeps "").
      const description = input.description === null ? '' : input.description;
      updatePrompt(ctx, { name: row.name, title: input.name, description, tags: input.tags, slashCommand: undefined });
    }
    if (input.deploy === true) {
      const committed = ctx.store.versions.list(row.id).find((v) => v.committed);
      if (!committed) throw invalid('No committed version to deploy: commit a version first', 'deploy');
      deployIn(ctx, row, committed.number);
    }
    return respanPrompt(ctx, fresh(ctx, row), readable);
  });
}

/**
 * Deletes a prompt with all its versions. Answers a JSON confirmation (not 204): the SDK's
 * `PromptAPI.delete` parses the body as JSON and documents `message` and `deleted_at`.
 */
export function respanDeletePrompt(ctx: Ctx, ref: string): { message: string; deleted_at: string } {
  deletePrompt(ctx, resolve(ctx, ref).name);
  return { message: 'Prompt deleted', deleted_at: nowIso(ctx) };
}

/**
 * One page of the prompts the caller may read through the API, newest first (or by `sort_by`,
 * RESPAN_SORTS), as DRF pages them (respan-pages.ts). `search` matches as the native list's `query` does.
 */
export function respanListPrompts(ctx: Ctx, input: z.output<typeof RespanListSchema>): RespanList<ReturnType<typeof respanPrompt>> {
  const size = respanPageSize(input.page_size);
  const requested = respanPageNumber(input.page);
  const query = input.search ?? '';
  const sort = RESPAN_SORTS[input.sort_by ?? '-id'];
  const at = (offset: number) => listPrompts(ctx, ListPromptsInput.parse({ query, sort, limit: size, offset }));
  let list = at(requested === 'last' ? 0 : (requested - 1) * size);
  const page = respanPage(requested, size, list.total);
  if (requested === 'last') list = at(page.offset);
  const results = list.items.map((p) => respanPrompt(ctx, ctx.store.prompts.getRowByName(p.name)!));
  return { results, count: list.total, nextPage: page.next, previousPage: page.previous };
}

/**
 * Seed 004's summary over every matching prompt (all pages). `total_count` is the product's
 * member (respan.ai/docs/apis/prompts/get-prompts-summary-with-filters); the rest are
 * Promptdesk's. Versions are counted, never read off the newest number: numbers are identities,
 * and deleted ones leave gaps.
 */
export function respanSummary(ctx: Ctx, input: z.output<typeof RespanListSchema>) {
  const found = everyListedPrompt(ctx, { query: input.search ?? '' });
  const summary = { total_count: found.length, total_prompts: found.length, deployed_prompts: 0, total_versions: 0 };
  for (const p of found) {
    const row = ctx.store.prompts.getRowByName(p.name)!;
    if (deployedNumber(row) !== null) summary.deployed_prompts += 1;
    summary.total_versions += ctx.store.versions.list(row.id).length;
  }
  return summary;
}

/**
 * Applies the `readonly` and `deploy` flags of a version write: readonly=true commits
 * (commitVersion), deploy=true commits and deploys it (deployIn). A flag Promptdesk cannot honour
 * is a 400: readonly=false on a committed version (committed versions never become editable
 * again), deploy=false on the deployed version (deploy another one instead). readonly=false on
 * a draft is its state, not a request: the SDK's `PromptVersion` sends it by default, also with
 * `deploy: true`, which then commits the draft as every deploy does.
 */
function applyFlags(ctx: Ctx, row: PromptRow, number: number, input: { readonly?: boolean; deploy?: boolean }): void {
  const now = respanVersion(ctx, fresh(ctx, row), versionOf(ctx, row, number));
  if (input.readonly === false && now.readonly) {
    throw invalid(`Version ${number} is read-only and stays so: create a new version to edit`, 'readonly');
  }
  if (input.deploy === false && now.is_deployed) {
    throw invalid(`Version ${number} is deployed: deploy another version instead of undeploying it`, 'deploy');
  }
  if (input.readonly === true || input.deploy === true) commitVersion(ctx, row.name, number);
  if (input.deploy === true) deployIn(ctx, row, number);
}

/**
 * The version a `create_version` body came from: the one its `version` (and `prompt_version_id`,
 * when sent) names, as the SDK's `PromptVersion` read with `get_version` carries them; else the
 * prompt's newest version (the SDK model's default `version: 0` names none). Its template kind and
 * variable metadata carry over (respan-variables.ts).
 */
function baseVersion(ctx: Ctx, row: PromptRow, input: Record<string, unknown>): PromptVersion | undefined {
  const named = typeof input.version === 'number' && Number.isInteger(input.version) && input.version > 0 ? ctx.store.versions.get(row.id, input.version) : undefined;
  if (named && (input.prompt_version_id === undefined || input.prompt_version_id === '' || input.prompt_version_id === named.id)) return named;
  return row.latest_version === null ? undefined : ctx.store.versions.get(row.id, row.latest_version);
}

/**
 * `POST /api/prompts/{id}/versions`: a new version from `messages` and its settings (those
 * Promptdesk has no field for kept beside it, respan-params.ts). Server-assigned members the
 * SDK's model sends (`version`, `prompt_version_id`, `created_at`, ...) are ignored.
 * `readonly`/`deploy` then take effect.
 */
export function respanCreateVersion(ctx: Ctx, ref: string, input: z.output<typeof RespanVersionSchema>) {
  // Read from the body alone, before any lookup: a refusal must not depend on whether the prompt is hidden.
  const models = modelsFrom(input.model, input.fallback_models);
  return ctx.store.tx(() => {
    // Permission first: the base version and the variables' check below must not tell a hidden
    // prompt from a missing one (saveVersion checks the same again).
    const row = requirePrompt(ctx, resolve(ctx, ref).name, 'edit');
    const base = baseVersion(ctx, row, input);
    const template = respanTemplate(input.messages, base?.template);
    const version = inRespanFields(() =>
      saveVersion(ctx, {
        name: row.name,
        template,
        variables: respanVariables(input.variables, base?.variables ?? [], template),
        modelSettings: { models, temperature: input.temperature ?? undefined, maxTokens: input.max_tokens ?? undefined },
        commitMessage: input.description ?? '',
      }),
    );
    keepParams(ctx, row.id, version.id, paramsIn(input).set);
    inRespanFields(() => applyFlags(ctx, row, version.number, input));
    const after = fresh(ctx, row);
    // The caller sent these messages: answered whatever its read permission.
    return respanVersion(ctx, after, versionOf(ctx, after, version.number));
  });
}

/** One page of a prompt's versions, newest first (DRF pages, as the SDK's `list_versions` asks). */
export function respanListVersions(ctx: Ctx, ref: string, input: z.output<typeof RespanPageSchema> = {}): RespanList<ReturnType<typeof respanVersion>> {
  const row = resolve(ctx, ref);
  const all = listVersions(ctx, row.name);
  const page = respanPage(respanPageNumber(input.page), respanPageSize(input.page_size), all.length);
  const results = all.slice(page.offset, page.offset + page.size).map((s) => respanVersion(ctx, row, versionOf(ctx, row, s.number)));
  return { results, count: all.length, nextPage: page.next, previousPage: page.previous };
}

/**
 * `GET /api/prompts/{id}/versions/{version}/` (the SDK's `PromptAPI.get_version`): the version
 * object (respanVersion). A hidden prompt is promptNotFound(); an unknown or deleted number a 404
 * from getVersion.
 */
export function respanGetVersion(ctx: Ctx, ref: string, number: number) {
  const row = resolve(ctx, ref);
  return respanVersion(ctx, row, getVersion(ctx, row.name, number));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `PATCH /api/prompts/{id}/versions/{version}`. Members equal to what the version already
 * answers are no change (the SDK's models echo whole objects back); a real change to messages or
 * settings edits an uncommitted draft only, else 400 (seed 004 lists 400 for a refused change).
 * Then `readonly`/`deploy` take effect (applyFlags). One transaction: a refused flag keeps the edit out.
 */
export function respanUpdateVersion(ctx: Ctx, ref: string, number: number, input: z.output<typeof RespanUpdateVersionSchema>) {
  return ctx.store.tx(() => {
    const row = resolve(ctx, ref);
    // Checked as the edit it is: a read check here refused write-only keys.
    const current = getVersion(ctx, row.name, number, 'edit');
    const readable = mayReadBack(ctx, row);
    const shown = respanVersion(ctx, row, current);
    const changes = {
      messages: input.messages !== undefined && !same(input.messages, shown.messages),
      models: (input.model !== undefined && input.model !== shown.model) || (input.fallback_models !== undefined && !same(input.fallback_models ?? null, shown.fallback_models)),
      temperature: input.temperature !== undefined && (input.temperature === null ? current.modelSettings.temperature !== undefined : input.temperature !== shown.temperature),
      maxTokens: input.max_tokens !== undefined && (input.max_tokens === null ? current.modelSettings.maxTokens !== undefined : input.max_tokens !== shown.max_tokens),
      variables: input.variables !== undefined && !same(input.variables, shown.variables),
      description: input.description !== undefined && (input.description ?? '') !== shown.description,
      params: false,
    };
    const sentParams = paramsIn(input);
    const kept = paramsOf(ctx, row.id, current.id);
    const params = { ...kept };
    for (const key of sentParams.given) params[key] = sentParams.set[key] ?? RESPAN_PARAM_DEFAULTS[key];
    changes.params = !same(params, kept);
    const changed = Object.entries(changes).filter(([, is]) => is).map(([member]) => member);
    if (changed.length > 0) {
      const reason = immutableReason(current, row.pinned_version);
      if (reason) throw invalid(`${reason}: create a new version instead`, 'version');
      const settings: ModelSettings = {
        models: changes.models ? modelsFrom(input.model ?? shown.model, input.fallback_models === undefined ? shown.fallback_models : input.fallback_models) : current.modelSettings.models,
        temperature: changes.temperature ? (input.temperature ?? undefined) : current.modelSettings.temperature,
        maxTokens: changes.maxTokens ? (input.max_tokens ?? undefined) : current.modelSettings.maxTokens,
      };
      const template = changes.messages ? respanTemplate(input.messages as ChatMessage[], current.template) : undefined;
      inRespanFields(() =>
        updateVersion(ctx, {
          name: row.name,
          number,
          template,
          variables: changes.variables ? respanVariables(input.variables, current.variables, template ?? current.template) : undefined,
          modelSettings: changes.models || changes.temperature || changes.maxTokens ? settings : undefined,
          commitMessage: changes.description ? (input.description ?? '') : undefined,
        }),
      );
      if (changes.params) keepParams(ctx, row.id, current.id, paramsIn(params).set);
    }
    inRespanFields(() => applyFlags(ctx, row, number, input));
    const after = fresh(ctx, row);
    return respanVersion(ctx, after, writtenVersion(versionOf(ctx, after, number), readable, changes.messages));
  });
}

/** Deletes one version; the deployed (published or pinned) version is refused (400 at this door). */
export function respanDeleteVersion(ctx: Ctx, ref: string, number: number): void {
  const row = resolve(ctx, ref);
  inRespanFields(() => deleteVersion(ctx, row.name, number));
}

/** `POST .../versions/{version}/commit/`: marks the version read-only (committing twice is harmless). */
export function respanCommitVersion(ctx: Ctx, ref: string, number: number) {
  const row = resolve(ctx, ref);
  return respanVersion(ctx, row, inRespanFields(() => commitVersion(ctx, row.name, number)));
}

/**
 * `POST /api/prompts/{id}/commits/` (respan.ai/docs/api-reference/develop/prompts/commit-draft-version):
 * commits the draft, which in Promptdesk is the newest version while it is uncommitted, with
 * `description` as its commit message. 400 when the newest version is already read-only (nothing to commit).
 */
export function respanCommitDraft(ctx: Ctx, ref: string, input: z.output<typeof RespanCommitSchema>) {
  return ctx.store.tx(() => {
    const row = resolve(ctx, ref);
    const readable = mayReadBack(ctx, requirePrompt(ctx, row.name, 'edit'));
    if (row.latest_version === null) throw invalid('The prompt has no version to commit: create a version first', 'version');
    const draft = versionOf(ctx, row, row.latest_version);
    const reason = immutableReason(draft, row.pinned_version);
    if (reason) throw invalid(`${reason}: there is no draft to commit; create a new version first`, 'version');
    if (input.description !== undefined && input.description !== null) inRespanFields(() => updateVersion(ctx, { name: row.name, number: draft.number, commitMessage: input.description ?? undefined }));
    const committed = inRespanFields(() => commitVersion(ctx, row.name, draft.number));
    return respanVersion(ctx, fresh(ctx, row), writtenVersion({ ...committed, template: committed.template ?? draft.template }, readable));
  });
}

/**
 * Makes `number` the live version of `row` (promoteFromAnyState: the previous live one is
 * archived, an archived one is unarchived first, the live one is a no-op). Only a committed
 * version deploys (400; seed 004: "Deploy a committed version as the live version"). A pin is
 * never moved: while pinned elsewhere, API callers keep the pin.
 */
function deployIn(ctx: Ctx, row: PromptRow, number: number): void {
  // Checked as the promotion it is, before anything is read.
  const version = getVersion(ctx, row.name, number, 'promote');
  if (!version.committed) throw invalid(`Version ${number} is not committed: commit it before deploying`, 'version');
  promoteFromAnyState(ctx, { name: row.name, number, notes: 'Deployed via the Respan-compatible API' });
}

/**
 * Seed 004 deploy: "Deploy a committed version as the live version". An uncommitted version is a
 * 400; an archived one is deployed again; the live one is a no-op. While the API deployment is
 * pinned to another version, the pin still decides what API callers get, and the answer says so
 * (`is_deployed: false`).
 */
export function respanDeploy(ctx: Ctx, ref: string, number: number) {
  return ctx.store.tx(() => {
    const row = resolve(ctx, ref);
    // The answer is the deployed version, read without a second (read) check that would roll
    // back a deploy the caller may make.
    const readable = mayReadBack(ctx, requirePrompt(ctx, row.name, 'promote'));
    inRespanFields(() => deployIn(ctx, row, number));
    const after = fresh(ctx, row);
    return respanVersion(ctx, after, writtenVersion(versionOf(ctx, after, number), readable));
  });
}
