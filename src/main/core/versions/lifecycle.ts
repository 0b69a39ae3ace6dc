import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { conflict, invalid } from '../errors';
import { assertActive } from '../users/users-service';
import { reindexPrompt } from '../prompts/prompts-service';
import { recordedActorId, requirePrompt } from '../sharing/access';
import { refuseUnsentTeamChange } from '../sync/unsent-team-change';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { PromptVersion, UpdateVersionInput, WrittenVersion } from '../../../shared/schemas/prompts';
import { mayReadBack, writtenVersion } from '../sharing/read-back';
import type { Deployment, PromoteInput, Promotion, PromotionsInput } from '../../../shared/schemas/versions';
import { parseInstant } from '../../../shared/schemas/instant';
import { clearTicksOnPromotion } from '../readiness/readiness-service';
import { saveVersion, servedNumber, validateTemplate, alignVariables, versionOf } from './versions-service';

/**
 * The version lifecycle (docs/versions.md): draft -> published -> archived, with exactly one
 * published version per prompt. Published, archived, committed and pinned versions never change
 * content; edits make a new version.
 */

/** Why a version's content may not change, or null when it may. */
export function immutableReason(version: Pick<PromptVersion, 'number' | 'status' | 'committed'>, pinnedVersion: number | null): string | null {
  if (version.status === 'published') return `Version ${version.number} is in production`;
  if (version.status === 'archived') return `Version ${version.number} is archived`;
  if (pinnedVersion === version.number) return `Version ${version.number} is pinned to the API deployment`;
  if (version.committed) return `Version ${version.number} is committed (read-only)`;
  return null;
}

/**
 * Promotes a version to production in one immediate transaction: the previous published version
 * is archived, this one published and committed, and the promotion recorded with its predecessor.
 * Concurrent promoters (even other processes) are serialised by SQLite's write lock.
 *
 * Promoting the version already in production is idempotent: it answers the promotion that put it
 * there and records nothing (seed 002 promotes drafts and asks for a linear history; a retried
 * promote whose first answer was lost must not read as a failure, nor add a row). Its notes are
 * those of that promotion; the retry's are not kept.
 */
export function promoteVersion(ctx: Ctx, input: z.output<typeof PromoteInput>): Promotion {
  assertActive(ctx.actor);
  const { store } = ctx;
  const id = randomUUID();
  const promotionId = store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'promote');
    const version = versionOf(ctx, row, input.number);
    if (version.status === 'archived') {
      throw conflict(`Version ${input.number} is archived: unarchive it first (it returns to draft), then promote it`, 'number');
    }
    if (version.status === 'published') {
      const existing = store.promotions.newest(row.id);
      if (existing?.version === input.number) return existing.id;
      // Published without a history entry (only a hand-edited store): nothing to answer with.
      throw conflict(`Version ${input.number} is already in production`, 'number');
    }
    const now = nowIso(ctx);
    const previous = store.versions.publishedNumber(row.id);
    if (previous !== null) store.versions.setStatus(row.id, previous, 'archived', now);
    store.versions.setStatus(row.id, input.number, 'published', now);
    store.versions.commit(row.id, input.number, now);
    store.promotions.insert({
      id,
      promptId: row.id,
      version: input.number,
      previousVersion: previous,
      promotedBy: recordedActorId(ctx, row),
      promotedAt: now,
      notes: input.notes.trim(),
    });
    // A new version in production has not been checked by anyone: its manual readiness ticks go.
    clearTicksOnPromotion(store, row.id);
    store.prompts.touch(row.id, now);
    return id;
  });
  return store.promotions.get(promotionId)!;
}

/**
 * Makes version `number` the production version whatever its state, for the seed doors whose
 * "set production" or "deploy" takes any version (Open WebUI's update/version; Respan's deploy
 * does the same after its own commit check): an archived version is unarchived and promoted at
 * once (the two steps of a rollback, docs/versions.md), a draft is promoted, and the version
 * already in production is left as it is (promoteVersion's idempotence). Needs `promote`.
 *
 * @throws AppError not_found for an unknown version, forbidden without promote permission
 */
export function promoteFromAnyState(ctx: Ctx, input: z.output<typeof PromoteInput>): void {
  ctx.store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'promote');
    const version = versionOf(ctx, row, input.number);
    if (version.status === 'archived') unarchiveVersion(ctx, input.name, input.number);
    if (version.status !== 'published') promoteVersion(ctx, input);
  });
}

/**
 * Returns an archived version to draft, the first step of a rollback (seed 002). Answers the
 * version without its text for a caller who may not read it (writtenVersion).
 */
export function unarchiveVersion(ctx: Ctx, name: string, number: number): WrittenVersion {
  assertActive(ctx.actor);
  const { store } = ctx;
  return store.tx(() => {
    const row = requirePrompt(ctx, name, 'promote');
    const readable = mayReadBack(ctx, row);
    const version = versionOf(ctx, row, number);
    refuseUnsentTeamChange(row, TEAM_UNARCHIVE_REFUSED);
    if (version.status !== 'archived') throw conflict(`Version ${number} is ${version.status}, not archived`, 'number');
    store.versions.setStatus(row.id, number, 'draft', nowIso(ctx));
    return writtenVersion(versionOf(ctx, row, number), readable);
  });
}

/**
 * Why a desktop refuses to commit a team prompt's version: protocol 1 has no op for a commit, so
 * one made here would be undone by the next pull without a word (attack 14 F6).
 */
export const TEAM_COMMIT_REFUSED = 'Commit team versions on the team server: a commit made on this desktop is not sent to the team';

/** The same refusal for an in-place edit of a team draft (attack 14b N4): protocol 1 has no op for it. */
export const TEAM_EDIT_REFUSED = 'Edit team drafts in place on the team server: a change made on this desktop is not sent to the team (save a new version instead)';

/** The same refusal for deleting a team version (attack 14b N4): protocol 1 has no op for it. */
export const TEAM_DELETE_REFUSED = 'Delete team versions on the team server: a change made on this desktop is not sent to the team';

/** The same refusal for returning an archived team version to draft (attack 14b N4): not a promotion, so not sent. */
export const TEAM_UNARCHIVE_REFUSED = 'Unarchive team versions on the team server: a change made on this desktop is not sent to the team';

/** The same refusal for pinning (or unpinning) the API deployment of a team prompt: the pin is not sent, and each pull sets the server's. */
export const TEAM_PIN_REFUSED = 'Pin the API deployment of team prompts on the team server: a change made on this desktop is not sent to the team';

/**
 * Marks a version read-only (seed 004 "commit"); committing twice is harmless. Answers the
 * version without its text for a caller who may not read it (writtenVersion). Every door (the
 * Versions tab, the API, Respan's readonly/deploy) comes here.
 *
 * @throws AppError `forbidden` ({@link TEAM_COMMIT_REFUSED}) for a team prompt held in a desktop's replica
 */
export function commitVersion(ctx: Ctx, name: string, number: number): WrittenVersion {
  assertActive(ctx.actor);
  const { store } = ctx;
  return store.tx(() => {
    const row = requirePrompt(ctx, name, 'edit');
    const readable = mayReadBack(ctx, row);
    versionOf(ctx, row, number);
    refuseUnsentTeamChange(row, TEAM_COMMIT_REFUSED);
    store.versions.commit(row.id, number, nowIso(ctx));
    return writtenVersion(versionOf(ctx, row, number), readable);
  });
}

/** A new version with an old one's content: history only ever grows. */
export function restoreVersion(ctx: Ctx, name: string, number: number): PromptVersion {
  const source = versionOf(ctx, requirePrompt(ctx, name, 'edit'), number);
  return saveVersion(ctx, {
    name,
    template: source.template,
    variables: source.variables,
    modelSettings: source.modelSettings,
    displayMessage: source.displayMessage ?? undefined,
    commitMessage: `Restored from v${number}`,
  });
}

/**
 * Changes a mutable draft in place (the seed APIs' update); anything else is a 409. Answers the
 * version; its text only to a caller who may read it or who sent the new text (writtenVersion).
 */
export function updateVersion(ctx: Ctx, input: z.output<typeof UpdateVersionInput>): WrittenVersion {
  assertActive(ctx.actor);
  const { store } = ctx;
  return store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'edit');
    const readable = mayReadBack(ctx, row);
    const version = versionOf(ctx, row, input.number);
    refuseUnsentTeamChange(row, TEAM_EDIT_REFUSED);
    const reason = immutableReason(version, row.pinned_version);
    if (reason) throw conflict(`${reason}: save a new version instead of editing it`, 'number');
    const template = input.template ?? version.template;
    const detected = validateTemplate(template, input.displayMessage);
    store.versions.updateContent({
      promptId: row.id,
      number: input.number,
      template,
      variables: alignVariables(detected, input.variables ?? version.variables),
      modelSettings: input.modelSettings ?? version.modelSettings,
      displayMessage: input.displayMessage === undefined ? version.displayMessage : input.displayMessage?.trim() || null,
      commitMessage: input.commitMessage?.trim() ?? version.commitMessage,
      now: nowIso(ctx),
      updatedBy: ctx.actor.id,
    });
    if (row.latest_version === input.number) reindexPrompt(ctx, row, template);
    store.prompts.touch(row.id, nowIso(ctx));
    return writtenVersion(versionOf(ctx, row, input.number), readable, input.template !== undefined);
  });
}

export function deleteVersion(ctx: Ctx, name: string, number: number): { deleted: true } {
  assertActive(ctx.actor);
  const { store } = ctx;
  store.tx(() => {
    const row = requirePrompt(ctx, name, 'edit');
    const version = versionOf(ctx, row, number);
    refuseUnsentTeamChange(row, TEAM_DELETE_REFUSED);
    if (version.status === 'published') throw conflict(`Version ${number} is in production: promote another version before deleting it`, 'number');
    if (row.pinned_version === number) throw conflict(`Version ${number} is pinned to the API deployment: unpin it first`, 'number');
    store.versions.delete(row.id, number);
    if (row.latest_version === number) {
      const newest = store.versions.list(row.id)[0]?.number ?? null;
      const now = nowIso(ctx);
      store.prompts.setLatestVersion(row.id, newest, now);
      const template = newest === null ? { kind: 'text' as const, text: '' } : versionOf(ctx, row, newest).template;
      reindexPrompt(ctx, row, template);
    }
  });
  return { deleted: true };
}

function toDeployment(row: PromptRow, published: number | null): Deployment {
  return {
    mode: row.pinned_version === null ? 'published' : 'pinned',
    pinnedVersion: row.pinned_version,
    publishedVersion: published,
    servedVersion: servedNumber({ ...row, published_version: published }, 'deployment'),
  };
}

export function getDeployment(ctx: Ctx, name: string): Deployment {
  assertActive(ctx.actor);
  const row = requirePrompt(ctx, name, 'read');
  return toDeployment(row, ctx.store.versions.publishedNumber(row.id));
}

/**
 * Pins the API deployment to a version (or back to following promotions with null).
 * A pinned version is deployed, so it is committed: it can no longer change.
 *
 * @throws AppError `forbidden` at `version` ({@link TEAM_PIN_REFUSED}) for a team prompt held in a desktop's replica
 */
export function pinDeployment(ctx: Ctx, name: string, version: number | null): Deployment {
  assertActive(ctx.actor);
  const { store } = ctx;
  const id = store.tx(() => {
    const row = requirePrompt(ctx, name, 'promote');
    refuseUnsentTeamChange(row, TEAM_PIN_REFUSED, 'version');
    const now = nowIso(ctx);
    if (version !== null) {
      versionOf(ctx, row, version);
      store.versions.commit(row.id, version, now);
    }
    store.prompts.setPinnedVersion(row.id, version, now);
    return row.id;
  });
  // The write's own result (version numbers only), without a read check that could fail after the commit.
  const row = store.prompts.getRowById(id)!;
  return toDeployment(row, store.versions.publishedNumber(row.id));
}

/**
 * One bound of a promotions filter as the stored ISO form (see parseInstant), refused naming the
 * field: both ends inclusive, so a bare `to` date covers its whole UTC day.
 */
function boundary(value: string | undefined, field: 'from' | 'to'): string | null {
  if (value === undefined || value === '') return null;
  const parsed = parseInstant(value, field === 'to' ? 'end' : 'start');
  if (!parsed.ok) throw invalid(parsed.message, field);
  return new Date(parsed.ms).toISOString();
}

export function listPromotions(ctx: Ctx, input: z.output<typeof PromotionsInput>): Promotion[] {
  assertActive(ctx.actor);
  const row = requirePrompt(ctx, input.name, 'read');
  const from = boundary(input.from, 'from');
  const to = boundary(input.to, 'to');
  if (from !== null && to !== null && from > to) throw invalid('"from" must not be after "to"', 'to');
  return ctx.store.promotions.list(row.id, { userId: input.userId ?? null, from, to });
}
