import type { Ctx } from '../context';
import { nowIso } from '../context';
import { promptNotFound } from '../errors';
import { allowedActions, subjectOf } from '../sharing/access';
import { servedNumber } from '../versions/versions-service';
import { templateText } from '../../../shared/template/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { grantsOf, type OpenWebUiGrant } from './openwebui-grants';

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
   * Per version id, the prompt's name, command, tags and grants when that version was written
   * through this door: Open WebUI's history snapshots hold them, Promptdesk versions hold the text.
   */
  snapshots?: Record<string, SnapshotMeta>;
}

export interface SnapshotMeta {
  name: string;
  command: string;
  tags: string[];
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
  access_grants: OpenWebUiGrant[];
}

export const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

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

/** The version Open WebUI calls production: the active version (published, else newest), if any. */
export function activeVersion(ctx: Ctx, row: PromptRow): PromptVersion | undefined {
  const number = servedNumber(row, 'active');
  return number === null ? undefined : ctx.store.versions.get(row.id, number);
}

/**
 * The PromptModel object. `withContent` false (a caller who may not read the text, see
 * mayReadBack) leaves `content` empty.
 */
export function openWebUiPrompt(ctx: Ctx, row: PromptRow, withContent = true) {
  const extra = extraOf(row);
  const version = activeVersion(ctx, row);
  return {
    id: row.id,
    command: row.slash_command ?? '',
    user_id: row.owner_id,
    name: row.title,
    content: version && withContent ? templateText(version.template) : '',
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
export type OpenWebUiPrompt = ReturnType<typeof openWebUiPrompt>;

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

/** The prompt with id `id`, before any permission check (callers then call requirePrompt). */
export function rowById(ctx: Ctx, id: string): PromptRow {
  const row = ctx.store.prompts.getRowById(id);
  if (!row) throw promptNotFound();
  return row;
}

/** The prompt whose command is `command` (a leading slash is ignored), before any permission check. */
export function rowByCommand(ctx: Ctx, command: string): PromptRow {
  const row = ctx.store.prompts.getRowBySlashCommand(command.replace(/^\//, ''));
  if (!row) throw promptNotFound();
  return row;
}

/** Remembers the prompt's metadata as of version `versionId` (see OpenWebUiExtra.snapshots). */
export function recordSnapshot(ctx: Ctx, promptId: string, versionId: string): void {
  const row = ctx.store.prompts.getRowById(promptId)!;
  const prompt = openWebUiPrompt(ctx, row, false);
  const snapshots = { ...extraOf(row).snapshots };
  snapshots[versionId] = { name: prompt.name, command: prompt.command, tags: prompt.tags, data: prompt.data, meta: prompt.meta, access_grants: prompt.access_grants };
  setExtra(ctx, promptId, { snapshots });
}
