import { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, invalid, fromZodError } from '../errors';
import { createPrompt, deletePrompt, freePromptName, updatePrompt } from '../prompts/prompts-service';
import { mayReadBack } from '../sharing/read-back';
import { requirePrompt } from '../sharing/access';
import { saveVersion, validateTemplate } from '../versions/versions-service';
import { promoteVersion } from '../versions/lifecycle';
import { CreatePromptInput, TagsSchema } from '../../../shared/schemas/prompts';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { inSeedFields } from './seed-fields';
import { AccessControlSchema, AccessGrantsSchema, accessControlToGrants, applyGrants, grantsKey, type GrantLike } from './openwebui-grants';
import { OWUI_MESSAGES, commandInUse, commandInUseMeta } from './openwebui-messages';
import { contentVersion, markContent, openWebUiPrompt, recordSnapshot, rowByCommand, rowById, setExtra, shownCommand, withAccess } from './openwebui-prompt';
import { templateText, type Template } from '../../../shared/template/template';

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
 * The most `data` or `meta` may hold, in characters of JSON. Open WebUI sets no limit; here each
 * history entry keeps a copy, and a history page carries 20 of them, so each is bounded (a body
 * past it is a 400 naming the field, before anything is written).
 */
export const MAX_OPENWEBUI_JSON_CHARS = 65_536;
const boundedJson = (field: 'data' | 'meta') =>
  JsonObject.refine((value) => JSON.stringify(value).length <= MAX_OPENWEBUI_JSON_CHARS, {
    message: `${field} is larger than ${MAX_OPENWEBUI_JSON_CHARS.toLocaleString('en-US')} characters of JSON: keep large files out of the prompt`,
  });

/**
 * PromptForm (models/prompts.py): the body of create and both updates, with its defaults.
 * `version_id` is accepted and ignored, as the router ignores it (production moves only through
 * `is_production` and update/version).
 */
const PromptFormFields = z.object({
  command: z.string().trim().min(1, 'command is required').max(33),
  name: z.string().trim().min(1, 'name is required').max(200),
  content: z.string().max(200_000),
  data: boundedJson('data').nullish(),
  meta: boundedJson('meta').nullish(),
  tags: z.array(z.string().max(40)).max(20).nullish(),
  access_grants: AccessGrantsSchema.nullish(),
  version_id: z.string().max(64).nullish(),
  commit_message: z.string().max(1000).nullish(),
  is_production: z.boolean().nullish().transform((v) => v ?? true),
  /** The older frontend's grants (see formGrants); read only when `access_grants` is absent. */
  access_control: AccessControlSchema.optional(),
});

/**
 * The older frontend's body (commit 7662b532ad5f0c99cef4583632ceb4ce85cc5658): `title` for
 * `name` when `name` is absent (its `access_control` is PromptFormFields' own, see formGrants).
 */
function fromOlderForm(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const form = { ...(body as Record<string, unknown>) };
  if (form['name'] === undefined && typeof form['title'] === 'string') form['name'] = form['title'];
  return form;
}

/**
 * The grants a form asks for: `access_grants`, else the older `access_control` converted as Open
 * WebUI converts it, with the path of each converted id so an error names the field the client
 * sent (`access_control.read.group_ids.0`); undefined when the form has neither.
 */
function formGrants(input: OpenWebUiUpdate): { grants: GrantLike[]; paths?: string[] } | undefined {
  if (input.access_grants) return { grants: input.access_grants };
  if (input.access_control !== undefined) return accessControlToGrants(input.access_control);
  return undefined;
}

/** The update body: Open WebUI's PromptForm (models/prompts.py), the older frontend's `title` read as `name`. */
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

/** The command as Promptdesk's slash command (Open WebUI's older frontend sent it with its slash). */
function commandOf(raw: string): string {
  const parsed = CreatePromptInput.shape.slashCommand.safeParse(raw);
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    throw error.with({ message: `command: ${error.message}`, field: 'command' });
  }
  return parsed.data!;
}

/**
 * The slash command an update sets: undefined (leave it) when the form sends back the command
 * this door shows for a prompt that has none (shownCommand: its name), else commandOf.
 */
function commandFor(row: PromptRow, raw: string): string | undefined {
  if (row.slash_command === null && raw.trim().replace(/^\//, '') === shownCommand(row)) return undefined;
  return commandOf(raw);
}

function tagsOf(raw: readonly string[] | null | undefined): string[] | undefined {
  if (raw === null || raw === undefined) return undefined;
  const parsed = TagsSchema.safeParse(raw);
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    const field = error.field ? `tags.${error.field}` : 'tags';
    throw error.with({ field, message: error.field ? error.message.replace(`${error.field}: `, `${field}: `) : error.message });
  }
  return parsed.data;
}

/**
 * Runs a prompts-service write, whose slash-command check (createPrompt, updatePrompt: one rule
 * for every door) refuses a command another prompt holds with a 409 naming `slashCommand`, and
 * answers that refusal as Open WebUI's route does: 400 naming `command`, with `message` (its
 * wording differs per route, openwebui-messages.ts).
 */
function withCommandRefusal<T>(message: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict' && error.field === 'slashCommand') throw invalid(message, 'command');
    throw error;
  }
}

/**
 * The template a save through this door writes for `content`. Open WebUI's `content` is one text;
 * a prompt whose current content (contentVersion) is a chat template shows its messages flattened
 * (templateText). Sending that same text back keeps the chat template (a rename must not turn it
 * into flat text and publish that); sending a different text is refused naming `content`: the
 * flat text cannot say which message changed, and guessing would lose the roles.
 *
 * @throws AppError invalid_input (`content`) for a changed content of a chat template
 */
export function templateForContent(ctx: Ctx, row: PromptRow, content: string): Template {
  const current = contentVersion(ctx, row);
  if (!current || current.template.kind === 'text') return { kind: 'text', text: content };
  if (templateText(current.template) === content) return current.template;
  // A malformed text is reported as such first (line and column, field `content`).
  inSeedFields(OPENWEBUI_FIELDS, () => validateTemplate({ kind: 'text', text: content }));
  throw invalid(
    'content: this prompt is a chat template (its messages have roles); Open WebUI shows them flattened, so a changed content cannot be saved as messages. Send the content unchanged, or edit the messages in Promptdesk',
    'content',
  );
}

/**
 * Saves `template` as a version with `message` and, when `production`, promotes it; the version
 * becomes the prompt's `content` (contentVersion), as Open WebUI's update always writes the form's
 * content. A template the newest draft already holds is not saved twice: a retried draft update
 * finds the draft it made, and publishing that content promotes it. Returns the version id.
 */
function saveContent(ctx: Ctx, row: PromptRow, template: Template, message: string, production: boolean): string {
  const latest = row.latest_version ? ctx.store.versions.get(row.id, row.latest_version) : undefined;
  const held = latest?.status === 'draft' && JSON.stringify(latest.template) === JSON.stringify(template);
  const version = held
    ? latest
    : inSeedFields(OPENWEBUI_FIELDS, () =>
        saveVersion(ctx, {
          name: row.name,
          template,
          variables: latest?.variables ?? [],
          modelSettings: latest?.modelSettings ?? { models: [] },
          commitMessage: message,
        }),
      );
  if (production) promoteVersion(ctx, { name: row.name, number: version.number, notes: message });
  markContent(ctx, row.id, version);
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
    const tags = tagsOf(input.tags) ?? [];
    // The prompt's key is its command, with a numeric suffix when another prompt holds that name.
    const name = freePromptName(ctx, command);
    withCommandRefusal(OWUI_MESSAGES.COMMAND_TAKEN, () => createPrompt(ctx, { name, title: input.name, description: '', tags, slashCommand: command }));
    const row = ctx.store.prompts.getRowByName(name)!;
    const readable = mayReadBack(ctx, row);
    if (input.data || input.meta) setExtra(ctx, row.id, { data: input.data ?? {}, meta: input.meta ?? {} });
    const asked = formGrants(input);
    if (asked) applyGrants(ctx, row, asked.grants, asked.paths);
    const versionId = saveContent(ctx, ctx.store.prompts.getRowById(row.id)!, { kind: 'text', text: input.content }, input.commit_message ?? 'Initial version', true);
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
    const command = commandFor(row, input.command);
    const tags = tagsOf(input.tags);
    const before = openWebUiPrompt(ctx, row);
    const asked = formGrants(input);
    const grantsChanged = !!asked && grantsKey(asked.grants) !== grantsKey(before.access_grants);
    // A publishing update of a content already saved as a draft (a retried draft, then published)
    // promotes that draft: saveContent finds it and saves no copy.
    const unpublished = input.is_production && contentVersion(ctx, row)?.status === 'draft';
    const changed =
      before.name !== input.name ||
      (command !== undefined && before.command !== command) ||
      before.content !== input.content ||
      (tags !== undefined && JSON.stringify(tags) !== JSON.stringify(before.tags)) ||
      grantsChanged ||
      unpublished;

    // A command in use is refused first, as Open WebUI checks it before writing; a refused
    // chat-template change after it rolls the transaction back, so nothing changes either way.
    withCommandRefusal(commandInUse(command ?? ''), () => updatePrompt(ctx, { name: row.name, title: input.name, tags, slashCommand: command }));
    const template = changed ? templateForContent(ctx, row, input.content) : undefined;
    if (grantsChanged) applyGrants(ctx, row, asked!.grants, asked!.paths);
    // Open WebUI keeps the stored data/meta when the form's are empty (`form_data.data or prompt.data`).
    if (input.data || input.meta) setExtra(ctx, row.id, { data: input.data || before.data, meta: input.meta || before.meta });
    if (template) {
      const versionId = saveContent(ctx, ctx.store.prompts.getRowById(row.id)!, template, input.commit_message ?? '', input.is_production);
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
    const command = commandFor(row, input.command);
    const tags = tagsOf(input.tags);
    withCommandRefusal(commandInUseMeta(command ?? ''), () => updatePrompt(ctx, { name: row.name, title: input.name, tags, slashCommand: command }));
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
