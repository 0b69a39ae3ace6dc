import type { Ctx } from '../context';
import { nowIso } from '../context';
import { promptNotFound } from '../errors';
import { allowedActions, subjectOf } from '../sharing/access';
import { servedNumber, servingDoor } from '../versions/versions-service';
import { templateText } from '../../../shared/template/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { epoch, grantsOf, type OpenWebUiGrant } from './openwebui-grants';

/**
 * Open WebUI's prompt object over a Promptdesk prompt (backend/open_webui/models/prompts.py,
 * PromptModel / PromptUserResponse / PromptAccessResponse, read from the class text found in
 * the public index; the router is backend/open_webui/routers/prompts.py). `id` is the prompt id,
 * `name` its title, `command` its slash command, `content` the text of its active version (the
 * production version, else the newest: what chat users get), `version_id` that version's id.
 */

/** What of an Open WebUI prompt Promptdesk has no column for, kept in the prompt's `extra`. */
export interface OpenWebUiExtra {
  data?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  /**
   * The version whose text is the prompt's `content`: Open WebUI's update sets `prompt.content`
   * to the form's content even when `is_production` is false (only `version_id` stays on
   * production), and update/version sets it to the entry's. See contentVersion.
   */
  content_version?: ContentMark;
}

/** The version this door last wrote as `content`, and the version served when it did. */
export interface ContentMark {
  id: string;
  number: number;
  served: number | null;
}

/** What a history entry's `snapshot` holds besides `content` (Open WebUI's prompt_history snapshot, routers/prompts.py). */
export interface SnapshotMeta {
  name: string;
  command: string;
  tags: string[];
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
  access_grants: OpenWebUiGrant[];
}

/** The Open WebUI part of a prompt's `extra`. */
export function extraOf(row: PromptRow): OpenWebUiExtra {
  return ((JSON.parse(row.extra) as { openwebui?: OpenWebUiExtra }).openwebui ?? {}) as OpenWebUiExtra;
}

/** Replaces the Open WebUI part of a prompt's `extra` (inside the caller's transaction). */
export function setExtra(ctx: Ctx, promptId: string, change: Partial<OpenWebUiExtra>): void {
  const row = ctx.store.prompts.getRowById(promptId)!;
  const extra = JSON.parse(row.extra) as Record<string, unknown>;
  extra['openwebui'] = { ...extraOf(row), ...change };
  ctx.store.prompts.setExtra(promptId, extra);
  ctx.store.prompts.touch(promptId, nowIso(ctx));
}

/**
 * The version Open WebUI calls production (`version_id`): the version this door serves, by the
 * core's one rule (servedNumber for the HTTP API: the pinned version, else the published one, else
 * the newest), so a pinned deployment shows what is actually served.
 */
export function activeVersion(ctx: Ctx, row: PromptRow): PromptVersion | undefined {
  const number = servedNumber(row, servingDoor(ctx));
  return number === null ? undefined : ctx.store.versions.get(row.id, number);
}

/**
 * The version whose text is the prompt's `content` (models/prompts.py: `content` is the prompt
 * row's own column, written by every update and by update/version): the one this door last wrote
 * (content_version) while it still exists and the served version is still the one served when it
 * was written; else the served one (a promotion or pin made since, in the app or the native API,
 * supersedes the door's record).
 */
export function contentVersion(ctx: Ctx, row: PromptRow, served = activeVersion(ctx, row)): PromptVersion | undefined {
  const mark = extraOf(row).content_version;
  if (!mark || mark.served !== (served?.number ?? null)) return served;
  const recorded = ctx.store.versions.get(row.id, mark.number);
  return recorded?.id === mark.id ? recorded : served;
}

/** Records `version` as the prompt's content from now on (see contentVersion), inside the caller's transaction. */
export function markContent(ctx: Ctx, promptId: string, version: Pick<PromptVersion, 'id' | 'number'>): void {
  const served = activeVersion(ctx, ctx.store.prompts.getRowById(promptId)!);
  setExtra(ctx, promptId, { content_version: { id: version.id, number: version.number, served: served?.number ?? null } });
}

/**
 * The PromptModel object. `withContent` false (a caller who may not read the text, see
 * mayReadBack) leaves `content` empty.
 */
export function openWebUiPrompt(ctx: Ctx, row: PromptRow, withContent = true) {
  const extra = extraOf(row);
  const version = activeVersion(ctx, row);
  const text = contentVersion(ctx, row, version);
  return {
    id: row.id,
    command: shownCommand(row),
    user_id: row.owner_id,
    name: row.title,
    content: text && withContent ? templateText(text.template) : '',
    data: extra.data ?? {},
    meta: extra.meta ?? {},
    tags: JSON.parse(row.tags) as string[],
    is_active: true,
    version_id: version?.id ?? null,
    created_at: epoch(row.created_at),
    updated_at: epoch(row.updated_at),
    access_grants: grantsOf(ctx, row),
  };
}

/** Open WebUI's UserResponse for a member (its roles are "admin" and "user"), or null. */
export function openWebUiUser(ctx: Ctx, userId: string) {
  const user = ctx.store.users.get(userId);
  if (!user) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role === 'admin' ? 'admin' : 'user', profile_image_url: '/user.png' };
}

/** PromptAccessResponse: the prompt with its owner and whether the caller may change it (edit). */
export function withAccess(ctx: Ctx, row: PromptRow, withContent = true) {
  return {
    ...openWebUiPrompt(ctx, row, withContent),
    user: openWebUiUser(ctx, row.owner_id),
    write_access: allowedActions(ctx.actor, subjectOf(ctx, row)).has('edit'),
  };
}

/**
 * The `command` this door shows: the prompt's slash command, else (a prompt made in the app
 * without one) its name, which is unique (case-insensitively) among prompts, so every prompt can
 * be found by command and saved through the door with the command it was shown. Sending that name
 * back leaves the prompt without a slash command (see commandFor in openwebui.ts).
 */
export function shownCommand(row: Pick<PromptRow, 'slash_command' | 'name'>): string {
  return row.slash_command ?? row.name;
}

/** The prompt with id `id`, before any permission check (callers then call requirePrompt). */
export function rowById(ctx: Ctx, id: string): PromptRow {
  const row = ctx.store.prompts.getRowById(id);
  if (!row) throw promptNotFound();
  return row;
}

/**
 * The prompt whose command (shownCommand) is `command` (a leading slash is ignored), before any
 * permission check: a slash command first, else a prompt without one whose name it is.
 */
export function rowByCommand(ctx: Ctx, command: string): PromptRow {
  const wanted = command.replace(/^\//, '');
  const bySlash = ctx.store.prompts.getRowBySlashCommand(wanted);
  if (bySlash) return bySlash;
  const byName = ctx.store.prompts.getRowByName(wanted);
  if (!byName || byName.slash_command !== null) throw promptNotFound();
  return byName;
}

/** Remembers the prompt's metadata as of version `versionId`: one row (openwebui_snapshots), whatever the history's length. */
export function recordSnapshot(ctx: Ctx, promptId: string, versionId: string): void {
  const prompt = openWebUiPrompt(ctx, ctx.store.prompts.getRowById(promptId)!, false);
  const snapshot: SnapshotMeta = { name: prompt.name, command: prompt.command, tags: prompt.tags, data: prompt.data, meta: prompt.meta, access_grants: prompt.access_grants };
  ctx.store.openWebUiSnapshots.put(promptId, versionId, JSON.stringify(snapshot));
}

/** The metadata recorded with version `versionId` of the prompt, if it was written through this door. */
export function recordedSnapshot(ctx: Ctx, promptId: string, versionId: string): SnapshotMeta | undefined {
  const json = ctx.store.openWebUiSnapshots.get(promptId, versionId);
  return json === undefined ? undefined : (JSON.parse(json) as SnapshotMeta);
}
