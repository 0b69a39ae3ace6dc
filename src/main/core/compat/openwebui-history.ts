import type { Ctx } from '../context';
import { AppError, conflict, invalid, notFound } from '../errors';
import { requirePrompt } from '../sharing/access';
import { mayReadBack } from '../sharing/read-back';
import { deleteVersion, promoteFromAnyState } from '../versions/lifecycle';
import { updatePrompt } from '../prompts/prompts-service';
import { templateText } from '../../../shared/template/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { OWUI_MESSAGES } from './openwebui-messages';
import { activeVersion, openWebUiPrompt, markContent, openWebUiUser, recordedSnapshot, rowById, type SnapshotMeta } from './openwebui-prompt';
import { epoch } from './openwebui-grants';
import { unifiedDiffLines } from './python-unified-diff';

/**
 * Open WebUI's prompt history over Promptdesk versions (backend/open_webui/models/prompt_history.py
 * at 096468a5ade9c2bd9e8de090f7239c4019f29fbd and the history routes of routers/prompts.py).
 * A history entry is a version: its `id` is the version id, `parent_id` the next older version
 * still there (Open WebUI reparents a deleted entry's children the same way), `commit_message`
 * the version's, `user_id` its author, `created_at` its save time. "Production" is the active
 * version (published, else newest); setting it promotes through the version lifecycle.
 */

/** Open WebUI pages its history by 20 (routers/prompts.py get_prompt_history). */
export const HISTORY_PAGE_SIZE = 20;

/** Every version of a prompt, newest first, in full (history entries need ids and text). */
function versionsOf(ctx: Ctx, row: PromptRow): PromptVersion[] {
  return ctx.store.versions
    .list(row.id)
    .sort((a, b) => b.number - a.number)
    .map((v) => ctx.store.versions.get(row.id, v.number)!);
}

/** The version of `row` whose id is `versionId`, if any (ids of other prompts' versions are not found). */
function versionById(ctx: Ctx, row: PromptRow, versionId: string): PromptVersion | undefined {
  return versionsOf(ctx, row).find((v) => v.id === versionId);
}

/**
 * The snapshot of a history entry: the version's text with the prompt's name, command, tags, data,
 * meta and grants as they were when it was written through this door, else as they are now (a
 * version saved in the app or another door has no record of them).
 */
function snapshotOf(ctx: Ctx, row: PromptRow, version: PromptVersion): SnapshotMeta & { content: string } {
  const recorded = recordedSnapshot(ctx, row.id, version.id);
  const now = openWebUiPrompt(ctx, row, false);
  const meta = recorded ?? { name: now.name, command: now.command, tags: now.tags, data: now.data, meta: now.meta, access_grants: now.access_grants };
  return { ...meta, content: templateText(version.template) };
}

/** PromptHistoryModel for version `index` of the newest-first list `all`. */
function entry(ctx: Ctx, row: PromptRow, all: PromptVersion[], index: number) {
  const version = all[index]!;
  return {
    id: version.id,
    prompt_id: row.id,
    parent_id: all[index + 1]?.id ?? null,
    snapshot: snapshotOf(ctx, row, version),
    user_id: version.author.id,
    commit_message: version.commitMessage === '' ? null : version.commitMessage,
    created_at: epoch(version.createdAt),
  };
}

/** `GET /id/{id}/history?page=N`: PromptHistoryResponse entries (with `user`), newest first, 20 a page from page 0. */
export function openWebUiHistory(ctx: Ctx, id: string, page: number) {
  const row = requirePrompt(ctx, rowById(ctx, id).name, 'read');
  const all = versionsOf(ctx, row);
  const start = page * HISTORY_PAGE_SIZE;
  return all.slice(start, start + HISTORY_PAGE_SIZE).map((_, i) => {
    const item = entry(ctx, row, all, start + i);
    return { ...item, user: openWebUiUser(ctx, item.user_id) };
  });
}

/** `GET /id/{id}/history/{history_id}`: one PromptHistoryModel; another prompt's entry is not found. */
export function openWebUiHistoryEntry(ctx: Ctx, id: string, historyId: string) {
  const row = requirePrompt(ctx, rowById(ctx, id).name, 'read');
  const all = versionsOf(ctx, row);
  const index = all.findIndex((v) => v.id === historyId);
  if (index === -1) throw notFound('History entry');
  return entry(ctx, row, all, index);
}

/**
 * `DELETE /id/{id}/history/{history_id}`: deletes the version (the lifecycle's rules: never the
 * published or pinned one). The production version (the prompt's `version_id`) answers Open
 * WebUI's 400 first. Answers true.
 */
export function openWebUiDeleteHistoryEntry(ctx: Ctx, id: string, historyId: string): true {
  ctx.store.tx(() => {
    const row = requirePrompt(ctx, rowById(ctx, id).name, 'edit');
    const version = versionById(ctx, row, historyId);
    if (!version) throw notFound('History entry');
    if (activeVersion(ctx, row)?.id === historyId) {
      // Production here is the pin when there is one: a pinned entry that is not the published one is refused for its pin.
      const pinnedOnly = row.pinned_version === version.number && row.published_version !== version.number;
      throw invalid(pinnedOnly ? OWUI_MESSAGES.PINNED_VERSION : OWUI_MESSAGES.PRODUCTION_VERSION, 'history_id');
    }
    // The lifecycle's refusals (pinned, published) name the version number; the client sent a history id.
    try {
      deleteVersion(ctx, row.name, version.number);
    } catch (error) {
      if (error instanceof AppError && error.field === 'number') throw error.with({ field: 'history_id' });
      throw error;
    }
    // Its snapshot row goes with it (openwebui_snapshots: ON DELETE CASCADE).
  });
  return true;
}

/**
 * `POST /id/{id}/update/version` with `{version_id}`: that history entry becomes production
 * (promoteFromAnyState: an archived version is unarchived and promoted) and, as Open WebUI
 * restores them from the snapshot, the prompt's name and tags return to that entry's (the command
 * and grants are not restored, as there). An id that is no entry of this prompt is Open WebUI's
 * 400 (its model returns nothing); entries of other prompts are never used.
 */
export function openWebUiSetProduction(ctx: Ctx, id: string, versionId: string) {
  return ctx.store.tx(() => {
    const row = requirePrompt(ctx, rowById(ctx, id).name, 'promote');
    // Decided before writing (mayReadBack): the answer never carries text the caller may not read.
    const canRead = mayReadBack(ctx, row);
    const version = versionById(ctx, row, versionId);
    if (!version) throw invalid(OWUI_MESSAGES.DEFAULT, 'version_id');
    // Production is what this door serves (activeVersion); while the API deployment is pinned to
    // another version, promoting would answer 200 and serve nothing new, so it is refused.
    if (row.pinned_version !== null && row.pinned_version !== version.number) {
      throw conflict(
        `The API deployment is pinned to version ${row.pinned_version}, so this entry cannot become what is served: unpin it first (PUT /api/v1/prompts/{name}/deployment with {"pinnedVersion": null})`,
        'version_id',
      );
    }
    promoteFromAnyState(ctx, { name: row.name, number: version.number, notes: version.commitMessage });
    // Open WebUI's update_prompt_version writes the entry's content to the prompt.
    markContent(ctx, row.id, version);
    const recorded = recordedSnapshot(ctx, row.id, version.id);
    if (recorded && (recorded.name !== row.title || JSON.stringify(recorded.tags) !== row.tags)) {
      updatePrompt(ctx, { name: row.name, title: recorded.name, tags: recorded.tags });
    }
    return openWebUiPrompt(ctx, ctx.store.prompts.getRowById(row.id)!, canRead);
  });
}

/**
 * `GET /id/{id}/history/diff?from_id=&to_id=`: both entries must be versions of this prompt
 * (else Open WebUI's 404 text); answers from/to snapshots, `content_diff` as unified diff lines,
 * and whether the name and the grants changed (`access_control_changed` is the backend's name,
 * `access_grants_changed` the frontend type's: both are sent).
 */
export function openWebUiDiff(ctx: Ctx, id: string, fromId: string, toId: string) {
  const row = requirePrompt(ctx, rowById(ctx, id).name, 'read');
  const from = versionById(ctx, row, fromId);
  const to = versionById(ctx, row, toId);
  if (!from || !to) throw new AppError('not_found', OWUI_MESSAGES.DIFF_NOT_FOUND);
  const a = snapshotOf(ctx, row, from);
  const b = snapshotOf(ctx, row, to);
  const grantsChanged = JSON.stringify(a.access_grants.map((g) => g.id).sort()) !== JSON.stringify(b.access_grants.map((g) => g.id).sort());
  return {
    from_id: from.id,
    to_id: to.id,
    from_snapshot: a,
    to_snapshot: b,
    content_diff: unifiedDiffLines(a.content, b.content, `v${from.id.slice(0, 8)}`, `v${to.id.slice(0, 8)}`),
    name_changed: a.name !== b.name,
    access_control_changed: grantsChanged,
    access_grants_changed: grantsChanged,
  };
}
