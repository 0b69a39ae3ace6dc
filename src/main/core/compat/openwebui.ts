import { z } from 'zod';
import type { Ctx } from '../context';
import { invalid, fromZodError } from '../errors';
import { createPrompt, deletePrompt, listPrompts, updatePrompt } from '../prompts/prompts-service';
import { mayReadBack } from '../sharing/read-back';
import { requirePrompt } from '../sharing/access';
import { saveVersion } from '../versions/versions-service';
import { promoteVersion } from '../versions/lifecycle';
import { CreatePromptInput, ListPromptsInput, TagsSchema, type PromptSummary } from '../../../shared/schemas/prompts';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { inSeedFields } from './seed-fields';
import { AccessControlSchema, AccessGrantsSchema, accessControlToGrants, applyGrants, grantsKey } from './openwebui-grants';
import { OWUI_MESSAGES, commandInUse, commandInUseMeta } from './openwebui-messages';
import { openWebUiPrompt, recordSnapshot, rowByCommand, rowById, setExtra, withAccess } from './openwebui-prompt';

/**
 * Open WebUI's prompts router (seed 003) over the Promptdesk core. The contract is the real
 * product as its frontend calls it: open-webui/open-webui backend/open_webui/routers/prompts.py
 * and models/prompts.py (PromptForm, PromptModel, PromptAccessResponse, PromptAccessListResponse),
 * src/lib/apis/prompts/index.ts (the calls and bodies). The seed page (../shared/seeds/003) is an
 * example of the update call. Every rule is the core's: permissions through requirePrompt
 * (hidden = missing), versions through the version services, sharing through the sharing
 * services; this module only maps shapes. docs/compat.md lists each endpoint.
 */

export { AccessGrantSchema } from './openwebui-grants';
export { openWebUiPrompt } from './openwebui-prompt';

/** Seed 003's names for what the core calls the template: the body's `content`. */
const OPENWEBUI_FIELDS = [['template.text', 'content']] as const;

const JsonObject = z.record(z.string(), z.unknown());

/**
 * PromptForm (models/prompts.py): the body of create and both updates, with its defaults.
 * `version_id` is accepted and ignored, as the router ignores it (production moves only through
 * `is_production` and update/version).
 */
const PromptFormFields = z.object({
  command: z.string().trim().min(1, 'command is required').max(33),
  name: z.string().trim().min(1, 'name is required').max(200),
  content: z.string().max(200_000),
  data: JsonObject.nullish(),
  meta: JsonObject.nullish(),
  tags: z.array(z.string().max(40)).max(20).nullish(),
  access_grants: AccessGrantsSchema.nullish(),
  version_id: z.string().max(64).nullish(),
  commit_message: z.string().max(1000).nullish(),
  is_production: z.boolean().nullish().transform((v) => v ?? true),
});

/**
 * The older frontend's body (commit 7662b532ad5f0c99cef4583632ceb4ce85cc5658): `title` for
 * `name`, and `access_control` for the grants (converted as Open WebUI converts it). Both are
 * read only when the current field is absent.
 */
function fromOlderForm(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const form = { ...(body as Record<string, unknown>) };
  if (form['name'] === undefined && typeof form['title'] === 'string') form['name'] = form['title'];
  if (form['access_grants'] === undefined && form['access_control'] !== undefined) {
    const parsed = AccessControlSchema.safeParse(form['access_control']);
    if (!parsed.success) throw fromZodError(parsed.error).with({ field: 'access_control' });
    form['access_grants'] = accessControlToGrants(parsed.data);
  }
  return form;
}

export const OpenWebUiUpdateSchema = z.preprocess(fromOlderForm, PromptFormFields);
export type OpenWebUiUpdate = z.output<typeof OpenWebUiUpdateSchema>;
/** The create body is the same PromptForm. */
export const OpenWebUiCreateSchema = OpenWebUiUpdateSchema;

/** PromptMetadataForm (routers/prompts.py): name, command and tags, no history. */
export const OpenWebUiMetaSchema = z.object({
  name: PromptFormFields.shape.name,
  command: PromptFormFields.shape.command,
  tags: PromptFormFields.shape.tags,
});

/** PromptVersionUpdateForm (routers/prompts.py): the history entry to make production. */
export const OpenWebUiVersionSchema = z.object({ version_id: z.string().min(1, 'version_id is required').max(64) });

/** PromptAccessGrantsForm (routers/prompts.py). */
export const OpenWebUiAccessSchema = z.object({ access_grants: AccessGrantsSchema });

/** `/list` query (routers/prompts.py get_prompt_list). */
export const OpenWebUiListSchema = z.object({
  query: z.string().max(500).optional(),
  view_option: z.string().max(20).optional(),
  tag: z.string().max(40).optional(),
  order_by: z.string().max(20).optional(),
  direction: z.string().max(4).optional(),
  page: z.coerce.number({ message: 'page must be a whole number' }).int('page must be a whole number').default(1),
});

/** Open WebUI pages `/list` by 30 (routers/prompts.py PAGE_ITEM_COUNT). */
export const LIST_PAGE_SIZE = 30;

/** The command as Promptdesk's slash command (Open WebUI's older frontend sent it with its slash). */
function commandOf(raw: string): string {
  const parsed = CreatePromptInput.shape.slashCommand.safeParse(raw);
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    throw error.with({ message: `command: ${error.message}`, field: 'command' });
  }
  return parsed.data!;
}

function tagsOf(raw: readonly string[] | null | undefined): string[] | undefined {
  if (raw === null || raw === undefined) return undefined;
  const parsed = TagsSchema.safeParse(raw);
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    throw error.with({ field: error.field ? `tags.${error.field}` : 'tags' });
  }
  return parsed.data;
}

/** A free prompt key for a new command: the command itself, or it with a numeric suffix. */
function freeName(ctx: Ctx, command: string): string {
  let name = command;
  for (let n = 2; ctx.store.prompts.getRowByName(name); n++) name = `${command}-${n}`;
  return name;
}

/**
 * Saves `content` as a version with `message` and, when `production`, promotes it. Content the
 * newest draft already holds is not saved twice: a retried draft update finds the draft it made,
 * and publishing that content promotes it. Returns the version id.
 */
function saveContent(ctx: Ctx, row: PromptRow, content: string, message: string, production: boolean): string {
  const latest = row.latest_version ? ctx.store.versions.get(row.id, row.latest_version) : undefined;
  const held = latest?.status === 'draft' && latest.template.kind === 'text' && latest.template.text === content;
  const version = held
    ? latest
    : inSeedFields(OPENWEBUI_FIELDS, () =>
        saveVersion(ctx, {
          name: row.name,
          template: { kind: 'text', text: content },
          variables: latest?.variables ?? [],
          modelSettings: latest?.modelSettings ?? { models: [] },
          commitMessage: message,
        }),
      );
  if (production) promoteVersion(ctx, { name: row.name, number: version.number, notes: message });
  return version.id;
}

/**
 * `POST /create`: a new prompt whose key is its command, created with API access on, its content
 * saved as version 1 ("Initial version" unless `commit_message`) and made production, as Open
 * WebUI makes the first history entry production. A command in use (by any prompt, hidden ones
 * too: commands are unique, as names) is Open WebUI's 400 COMMAND_TAKEN, which names nothing.
 */
export function openWebUiCreate(ctx: Ctx, input: OpenWebUiUpdate) {
  return ctx.store.tx(() => {
    const command = commandOf(input.command);
    if (ctx.store.prompts.slashCommandTaken(command)) throw invalid(OWUI_MESSAGES.COMMAND_TAKEN, 'command');
    const name = freeName(ctx, command);
    createPrompt(ctx, { name, title: input.name, description: '', tags: tagsOf(input.tags) ?? [], slashCommand: command });
    const row = ctx.store.prompts.getRowByName(name)!;
    const readable = mayReadBack(ctx, row);
    if (input.data || input.meta) setExtra(ctx, row.id, { data: input.data ?? {}, meta: input.meta ?? {} });
    if (input.access_grants) applyGrants(ctx, row, input.access_grants);
    const versionId = saveContent(ctx, ctx.store.prompts.getRowById(row.id)!, input.content, input.commit_message ?? 'Initial version', true);
    recordSnapshot(ctx, row.id, versionId);
    return openWebUiPrompt(ctx, ctx.store.prompts.getRowById(row.id)!, readable);
  });
}

/**
 * `POST /id/{id}/update` (and the older router's `/command/{command}/update`): the seed's call.
 * A change to name, command, content, tags or grants records a new version with
 * `commit_message`, promoted to production unless `is_production` is false; `data`/`meta` are
 * kept as sent. Needs edit permission (Open WebUI's write access); changing grants needs share
 * (owner or admin), as at every Promptdesk door.
 */
export function openWebUiUpdate(ctx: Ctx, found: PromptRow, input: OpenWebUiUpdate) {
  return ctx.store.tx(() => {
    const row = requirePrompt(ctx, found.name, 'edit');
    const readable = mayReadBack(ctx, row);
    const command = commandOf(input.command);
    if (command !== row.slash_command && ctx.store.prompts.slashCommandTaken(command)) throw invalid(commandInUse(command), 'command');
    const tags = tagsOf(input.tags);
    const before = openWebUiPrompt(ctx, row);
    const grantsChanged = !!input.access_grants && grantsKey(input.access_grants) !== grantsKey(before.access_grants);
    const changed =
      before.name !== input.name || before.command !== command || before.content !== input.content || (tags !== undefined && JSON.stringify(tags) !== JSON.stringify(before.tags)) || grantsChanged;

    updatePrompt(ctx, { name: row.name, title: input.name, tags, slashCommand: command });
    if (grantsChanged) applyGrants(ctx, row, input.access_grants!);
    // Open WebUI keeps the stored data/meta when the form's are empty (`form_data.data or prompt.data`).
    if (input.data || input.meta) setExtra(ctx, row.id, { data: input.data || before.data, meta: input.meta || before.meta });
    if (changed) {
      const versionId = saveContent(ctx, ctx.store.prompts.getRowById(row.id)!, input.content, input.commit_message ?? '', input.is_production);
      recordSnapshot(ctx, row.id, versionId);
    }
    // The write's own result, decided before writing: no read check after it that would roll
    // back (or report as failed) a change the caller was allowed to make.
    return openWebUiPrompt(ctx, ctx.store.prompts.getRowById(row.id)!, readable);
  });
}

/** Update by id: the prompt with id `id`. */
export const openWebUiUpdateById = (ctx: Ctx, id: string, input: OpenWebUiUpdate) => openWebUiUpdate(ctx, rowById(ctx, id), input);

/** The older router's update by command (`/command/{command}/update`). */
export const openWebUiUpdateByCommand = (ctx: Ctx, command: string, input: OpenWebUiUpdate) => openWebUiUpdate(ctx, rowByCommand(ctx, command), input);

/** `POST /id/{id}/update/meta`: name, command and tags only; no version is recorded. */
export function openWebUiUpdateMeta(ctx: Ctx, id: string, input: z.output<typeof OpenWebUiMetaSchema>) {
  return ctx.store.tx(() => {
    const row = requirePrompt(ctx, rowById(ctx, id).name, 'edit');
    const readable = mayReadBack(ctx, row);
    const command = commandOf(input.command);
    if (command !== row.slash_command && ctx.store.prompts.slashCommandTaken(command)) throw invalid(commandInUseMeta(command), 'command');
    updatePrompt(ctx, { name: row.name, title: input.name, tags: tagsOf(input.tags), slashCommand: command });
    return openWebUiPrompt(ctx, ctx.store.prompts.getRowById(row.id)!, readable);
  });
}

/** `POST /id/{id}/access/update`: replaces the grants (applyGrants: owner or admin). Answers the prompt. */
export function openWebUiAccessUpdate(ctx: Ctx, id: string, input: z.output<typeof OpenWebUiAccessSchema>) {
  return ctx.store.tx(() => {
    const row = requirePrompt(ctx, rowById(ctx, id).name, 'share');
    const readable = mayReadBack(ctx, row);
    applyGrants(ctx, row, input.access_grants);
    return openWebUiPrompt(ctx, ctx.store.prompts.getRowById(row.id)!, readable);
  });
}

/**
 * `POST /id/{id}/toggle`: Open WebUI hides an inactive prompt from chat. Promptdesk has no such
 * switch (who sees a prompt in chat is its sharing), so this is refused (400) rather than
 * answered with an `is_active` nothing honours; hidden prompts are not found first.
 */
export function openWebUiToggle(ctx: Ctx, id: string): never {
  requirePrompt(ctx, rowById(ctx, id).name, 'edit');
  throw invalid('Promptdesk prompts cannot be deactivated: change who may use it with its access grants (or its sharing level in Promptdesk)', 'is_active');
}

/** `DELETE /id/{id}/delete` (and the older `/command/{command}/delete`): owner or admin; answers true. */
export function openWebUiDelete(ctx: Ctx, row: PromptRow): true {
  deletePrompt(ctx, row.name);
  return true;
}

/** `GET /id/{id}` and `GET /command/{command}`: PromptAccessResponse (read permission). */
export function openWebUiGet(ctx: Ctx, found: PromptRow) {
  return withAccess(ctx, requirePrompt(ctx, found.name, 'read'));
}

/**
 * Every prompt the caller may read through the API, newest change first, optionally narrowed by
 * the native library search (`query`) and `tag`: the core's listing (visibility, API exposure,
 * key scope), walked page by page.
 */
function readableSummaries(ctx: Ctx, query = '', tag?: string): PromptSummary[] {
  const items: PromptSummary[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = listPrompts(ctx, ListPromptsInput.parse({ query, tag, limit: 200, offset }));
    items.push(...page.items);
    if (offset + 200 >= page.total || page.items.length === 0) return items;
  }
}


/** `GET /`: every readable prompt as PromptModel. */
export function openWebUiList(ctx: Ctx) {
  // Read in full one by one: the prompt object needs the stored `extra`, which summaries lack.
  return readableSummaries(ctx).map((item) => openWebUiPrompt(ctx, ctx.store.prompts.getRowById(item.id)!));
}

/** `GET /tags`: the sorted tags of the prompts the caller may read. */
export function openWebUiTags(ctx: Ctx): string[] {
  return [...new Set(readableSummaries(ctx).flatMap((item) => item.tags))].sort();
}

const ORDER: Record<string, (item: PromptSummary) => string> = {
  name: (item) => item.title.toLocaleLowerCase(),
  created_at: (item) => item.createdAt,
  updated_at: (item) => item.updatedAt,
};

/**
 * `GET /list`: PromptAccessListResponse `{items, total}`, 30 a page from page 1. `view_option`
 * "created" keeps the caller's own prompts, "shared" the others'; `order_by` name, created_at or
 * updated_at (else updated_at), `direction` asc or desc (desc unless asc); `query` is the native
 * library search (words as prefixes over name, title, description, tags and text). Filtered and
 * sorted on the listing's summaries; only the page's prompts are read in full.
 */
export function openWebUiListWithAccess(ctx: Ctx, input: z.output<typeof OpenWebUiListSchema>) {
  let found = readableSummaries(ctx, input.query ?? '', input.tag);
  if (input.view_option === 'created') found = found.filter((item) => item.owner.id === ctx.actor.id);
  if (input.view_option === 'shared') found = found.filter((item) => item.owner.id !== ctx.actor.id);
  const key = ORDER[input.order_by ?? ''] ?? ORDER['updated_at']!;
  const sign = input.direction === 'asc' ? 1 : -1;
  found = [...found].sort((a, b) => sign * key(a).localeCompare(key(b)));
  const page = Math.max(1, input.page);
  const items = found.slice((page - 1) * LIST_PAGE_SIZE, page * LIST_PAGE_SIZE).map((item) => withAccess(ctx, ctx.store.prompts.getRowById(item.id)!));
  return { items, total: found.length };
}
