import { z } from 'zod';
import type { Ctx } from '../context';
import { invalid, promptNotFound } from '../errors';
import { createPrompt, deletePrompt, listPrompts, updatePrompt } from '../prompts/prompts-service';
import { deployedNumber, getVersion, listVersions, saveVersion, versionOf } from '../versions/versions-service';
import { commitVersion, deleteVersion, immutableReason, promoteVersion, unarchiveVersion, updateVersion } from '../versions/lifecycle';
import { inSeedFields } from './seed-fields';
import { requirePrompt } from '../sharing/access';
import { mayReadBack, writtenVersion } from '../sharing/read-back';
import { ListPromptsInput, type WrittenVersion } from '../../../shared/schemas/prompts';
import { VersionNumberSchema } from '../../../shared/schemas/version-number';
import { MessageRoleSchema, MODEL_REF_PATTERN } from '../../../shared/schemas/template';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { ChatMessage, Template } from '../../../shared/template/template';

/** Seed 004's names for what the core calls the template: the body's `messages`. */
const RESPAN_FIELDS = [['template.messages', 'messages']] as const;

export const RespanMessagesSchema = z.array(z.object({ role: MessageRoleSchema, content: z.string().max(200_000) })).min(1).max(100);

export const RespanCreatePromptSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  description: z.string().max(2000).optional(),
});
export const RespanUpdatePromptSchema = RespanCreatePromptSchema.partial();
export const RespanVersionSchema = z.object({
  messages: RespanMessagesSchema,
  model: z.string().max(200).optional(),
  description: z.string().max(1000).nullable().optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
});
export const RespanUpdateVersionSchema = RespanVersionSchema.partial();
export const RespanListSchema = z.object({
  page: z.number().int().min(1).default(1),
  page_size: z.number().int().min(1).max(200).default(50),
  search: z.string().max(500).optional(),
});
/** Seed 004: `version` is an integer (`{"version": 3}`); a string such as "2" is refused naming it, as at every door. */
export const RespanDeploySchema = z.object({ version: VersionNumberSchema });

/** A Respan prompt id is Promptdesk's prompt id; the prompt's name is accepted too. */
function resolve(ctx: Ctx, ref: string): PromptRow {
  const row = ctx.store.prompts.getRowById(ref) ?? ctx.store.prompts.getRowByName(ref);
  if (!row) throw promptNotFound();
  return row;
}

function toTemplate(messages: ChatMessage[]): Template {
  return { kind: 'chat', messages };
}

function messagesOf(template: Template | null): ChatMessage[] | null {
  if (template === null) return null;
  return template.kind === 'chat' ? template.messages : [{ role: 'user', content: template.text }];
}

/** Respan's `model` is a bare model name; Promptdesk's is integration:model. Both are kept. */
function modelsFrom(model: string | undefined): string[] {
  if (model === undefined || model === '') return [];
  if (!MODEL_REF_PATTERN.test(model.includes(':') ? model : `respan:${model}`)) throw invalid('model is not a valid model name', 'model');
  return [model.includes(':') ? model : `respan:${model}`];
}

const modelName = (v: WrittenVersion) => (v.modelSettings.models[0] ?? '').replace(/^respan:/, '');

function splitName(name: string): { first_name: string; last_name: string } {
  const [first = '', ...rest] = name.split(' ');
  return { first_name: first, last_name: rest.join(' ') };
}

/**
 * The seed 004 version object. `messages` is null in the answer to a write by a caller who may not
 * read the prompt's text and did not send it (writtenVersion): the write happened, the text stays out.
 */
export function respanVersion(ctx: Ctx, row: PromptRow, v: WrittenVersion) {
  const author = ctx.store.users.get(v.author.id);
  return {
    id: v.id,
    prompt_version_id: v.id,
    version: v.number,
    description: v.commitMessage || null,
    messages: messagesOf(v.template),
    model: modelName(v),
    readonly: v.committed || immutableReason(v, row.pinned_version) !== null,
    // What API callers get (the pin, else the published version), not only the published status.
    is_deployed: v.number === deployedNumber(row),
    edited_by: { id: v.author.id, email: v.author.email, ...splitName(author?.name ?? v.author.name) },
    created_at: v.createdAt,
    updated_at: v.createdAt,
  };
}

export function respanPrompt(row: PromptRow) {
  return {
    id: row.id,
    prompt_id: row.id,
    name: row.title,
    description: row.description || null,
    current_version: row.latest_version,
    deployed_version: deployedNumber(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Display names become URL-safe keys; a taken key gets a numeric suffix. */
function keyFor(ctx: Ctx, title: string): string {
  const base = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 90) || 'prompt';
  let key = base;
  for (let n = 2; ctx.store.prompts.getRowByName(key); n++) key = `${base}-${n}`;
  return key;
}

export function respanCreatePrompt(ctx: Ctx, input: z.output<typeof RespanCreatePromptSchema>) {
  return ctx.store.tx(() => {
    const name = keyFor(ctx, input.name);
    createPrompt(ctx, { name, title: input.name, description: input.description ?? '', tags: [], slashCommand: null });
    return respanPrompt(ctx.store.prompts.getRowByName(name)!);
  });
}

export function respanGetPrompt(ctx: Ctx, ref: string) {
  return respanPrompt(requirePrompt(ctx, resolve(ctx, ref).name, 'read'));
}

export function respanUpdatePrompt(ctx: Ctx, ref: string, input: z.output<typeof RespanUpdatePromptSchema>) {
  const row = resolve(ctx, ref);
  updatePrompt(ctx, { name: row.name, title: input.name, description: input.description, slashCommand: undefined });
  return respanPrompt(ctx.store.prompts.getRowById(row.id)!);
}

export function respanDeletePrompt(ctx: Ctx, ref: string): void {
  deletePrompt(ctx, resolve(ctx, ref).name);
}

export function respanListPrompts(ctx: Ctx, input: z.output<typeof RespanListSchema>) {
  const list = listPrompts(ctx, ListPromptsInput.parse({ query: input.search ?? '', limit: input.page_size, offset: (input.page - 1) * input.page_size }));
  const results = list.items.map((p) => respanPrompt(ctx.store.prompts.getRowByName(p.name)!));
  const hasNext = input.page * input.page_size < list.total;
  return { results, count: list.total, next: hasNext ? input.page + 1 : null, previous: input.page > 1 ? input.page - 1 : null };
}

/**
 * Seed 004's summary over every matching prompt (all pages, not the first 200). Versions are
 * counted, never read off the newest number: numbers are identities, and deleted ones leave gaps.
 */
export function respanSummary(ctx: Ctx, input: z.output<typeof RespanListSchema>) {
  const summary = { total_prompts: 0, deployed_prompts: 0, total_versions: 0 };
  for (let page: number | null = 1; page !== null; ) {
    const list = respanListPrompts(ctx, { ...input, page, page_size: 200 });
    summary.total_prompts = list.count;
    for (const p of list.results) {
      if (p.deployed_version !== null) summary.deployed_prompts += 1;
      summary.total_versions += ctx.store.versions.list(p.id).length;
    }
    page = list.next;
  }
  return summary;
}

export function respanCreateVersion(ctx: Ctx, ref: string, input: z.output<typeof RespanVersionSchema>) {
  const row = resolve(ctx, ref);
  const version = inSeedFields(RESPAN_FIELDS, () =>
    saveVersion(ctx, {
      name: row.name,
      template: toTemplate(input.messages),
      variables: [],
      modelSettings: { models: modelsFrom(input.model), temperature: input.temperature, maxTokens: input.max_tokens },
      commitMessage: input.description ?? '',
    }),
  );
  return respanVersion(ctx, ctx.store.prompts.getRowById(row.id)!, version);
}

export function respanListVersions(ctx: Ctx, ref: string) {
  const row = resolve(ctx, ref);
  const results = listVersions(ctx, row.name).map((s) => respanVersion(ctx, row, getVersion(ctx, row.name, s.number)));
  return { results, count: results.length, next: null, previous: null };
}

export function respanGetVersion(ctx: Ctx, ref: string, number: number) {
  const row = resolve(ctx, ref);
  return respanVersion(ctx, row, getVersion(ctx, row.name, number));
}

/** Only an uncommitted draft changes; seed 004 lists 400 for a refused change. */
export function respanUpdateVersion(ctx: Ctx, ref: string, number: number, input: z.output<typeof RespanUpdateVersionSchema>) {
  const row = resolve(ctx, ref);
  // Checked as the edit it is: a read check here refused write-only keys.
  const current = getVersion(ctx, row.name, number, 'edit');
  const reason = immutableReason(current, row.pinned_version);
  if (reason) throw invalid(`${reason}: create a new version instead`, 'version');
  const version = inSeedFields(RESPAN_FIELDS, () =>
    updateVersion(ctx, {
      name: row.name,
      number,
      template: input.messages ? toTemplate(input.messages) : undefined,
      modelSettings:
        input.model !== undefined || input.temperature !== undefined || input.max_tokens !== undefined
          ? {
              models: input.model !== undefined ? modelsFrom(input.model) : current.modelSettings.models,
              temperature: input.temperature ?? current.modelSettings.temperature,
              maxTokens: input.max_tokens ?? current.modelSettings.maxTokens,
            }
          : undefined,
      commitMessage: input.description ?? undefined,
    }),
  );
  return respanVersion(ctx, row, version);
}

export function respanDeleteVersion(ctx: Ctx, ref: string, number: number): void {
  deleteVersion(ctx, resolve(ctx, ref).name, number);
}

export function respanCommitVersion(ctx: Ctx, ref: string, number: number) {
  const row = resolve(ctx, ref);
  return respanVersion(ctx, row, commitVersion(ctx, row.name, number));
}

/**
 * Seed 004 deploy: "Deploy a committed version as the live version". An uncommitted version is a
 * 400; an archived one is deployed again (unarchived and promoted at once); the live one is a no-op.
 * Deploy is promotion: while the API deployment is pinned to another version, the pin still
 * decides what API callers get, and the answer says so (`is_deployed: false`); a pin is never
 * moved by a deploy.
 */
export function respanDeploy(ctx: Ctx, ref: string, number: number) {
  return ctx.store.tx(() => {
    const row = resolve(ctx, ref);
    // Checked as the promotion it is; the answer is the deployed version, read without a second
    // (read) check that would roll back a deploy the caller may make.
    const version = getVersion(ctx, row.name, number, 'promote');
    const readable = mayReadBack(ctx, row);
    if (!version.committed) throw invalid(`Version ${number} is not committed: commit it before deploying`, 'version');
    if (version.status === 'archived') unarchiveVersion(ctx, row.name, number);
    if (version.status !== 'published') promoteVersion(ctx, { name: row.name, number, notes: 'Deployed via the Respan-compatible API' });
    const fresh = ctx.store.prompts.getRowById(row.id)!;
    return respanVersion(ctx, fresh, writtenVersion(versionOf(ctx, fresh, number), readable));
  });
}
