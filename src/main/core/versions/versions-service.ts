import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, conflict, invalid, notFound } from '../errors';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { PromptVersion, SaveVersionInput, VersionSummary } from '../../../shared/schemas/prompts';
import { analyzeTemplate, isTemplateEmpty, type Template, type VariableMeta } from '../../../shared/template/template';
import { parseTemplate } from '../../../shared/template/parse';
import { reindexPrompt } from '../prompts/prompts-service';
import { recordedActorId, requirePrompt } from '../sharing/access';
import type { Action } from '../../../shared/schemas/sharing';
import { assertActive } from '../users/users-service';

type SaveParsed = z.output<typeof SaveVersionInput>;

/**
 * Rejects a template a user could not render or did not mean: empty, a malformed `{{...}}`, a
 * variable name the API cannot accept (`__proto__`), or a path whose backslash escapes a
 * variable (`C:\Users\{{user}}`); the message carries line and column. A new display message
 * (it may use `{{variables}}` too) is held to the same grammar, as field `displayMessage`.
 * Returns the template's variables in order of first use.
 */
export function validateTemplate(template: Template, displayMessage?: string | null): string[] {
  if (displayMessage) {
    const shown = parseTemplate(displayMessage, { strict: true });
    if (!shown.ok) throw invalid(`${shown.problem.message} (line ${shown.problem.line}, column ${shown.problem.column})`, 'displayMessage');
  }
  if (isTemplateEmpty(template)) {
    throw invalid('The template is empty: write the prompt text before saving', template.kind === 'text' ? 'template.text' : 'template.messages');
  }
  const analysis = analyzeTemplate(template, { strict: true });
  if (!analysis.ok) {
    const { problem } = analysis;
    const field = problem.messageIndex === undefined ? 'template.text' : `template.messages.${problem.messageIndex}.content`;
    throw invalid(`${problem.message} (line ${problem.line}, column ${problem.column})`, field);
  }
  return analysis.variables;
}

/** Keeps metadata only for variables the template uses, in template order. */
export function alignVariables(detected: string[], metadata: VariableMeta[]): VariableMeta[] {
  const byName = new Map(metadata.map((m) => [m.name, m]));
  return detected.map((name) => ({ ...byName.get(name), name }));
}

/**
 * Every save is a new immutable version, numbered after the newest.
 * `baseVersion` guards against overwriting someone's newer save made in the meantime.
 * `options.number` asks for an explicit number (Conductor's `version=N` creates version N): it
 * must be above every number the prompt ever used (the high-water mark, deleted numbers
 * included), else 409 naming `version`; the numbers skipped are never given afterwards.
 * `options.id` keeps the id a desktop gave a version it saved offline (core/sync), so the
 * server and the replica name it alike.
 */
export function saveVersion(ctx: Ctx, input: SaveParsed, options: { number?: number; id?: string } = {}): PromptVersion {
  assertActive(ctx.actor);
  const detected = validateTemplate(input.template, input.displayMessage);
  const { store } = ctx;
  const { row, number } = store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'edit');
    // The next number follows every number ever given (deleted ones too): numbers are identities.
    const following = store.versions.nextNumber(row.id);
    if (options.number !== undefined && options.number < following) {
      throw conflict(`Version ${options.number} was already given (numbers are never given again): the next new version is ${following}`, 'version');
    }
    const next = options.number ?? following;
    const newest = row.latest_version ?? 0;
    // Only a version newer than the base can be lost. A base that was deleted since (numbers are
    // identities: the newest left is then older than the base) has nothing newer to protect.
    if (input.baseVersion !== undefined && newest > input.baseVersion) {
      throw conflict(
        `Version ${newest} was saved after you started editing version ${input.baseVersion}; reload to see it before saving`,
        'baseVersion',
      );
    }
    const now = nowIso(ctx);
    store.versions.insert({
      id: options.id ?? randomUUID(),
      promptId: row.id,
      number: next,
      template: input.template,
      variables: alignVariables(detected, input.variables),
      modelSettings: input.modelSettings,
      displayMessage: input.displayMessage?.trim() || null,
      commitMessage: input.commitMessage.trim(),
      authorId: recordedActorId(ctx, row),
      createdAt: now,
    });
    store.prompts.setLatestVersion(row.id, next, now);
    reindexPrompt(ctx, row, input.template);
    return { row, number: next };
  });
  // The write's own result (the caller sent this text), read without a second permission check:
  // re-checking read here answered 403 to a write-only key after the version was saved.
  return versionOf(ctx, row, number);
}


/** What a member must be allowed to do with a prompt to list its versions (also who hears of them live). */
export const VERSIONS_ACTION: Action = 'read';

export function listVersions(ctx: Ctx, name: string): VersionSummary[] {
  assertActive(ctx.actor);
  return ctx.store.versions.list(requirePrompt(ctx, name, VERSIONS_ACTION).id);
}

/**
 * Version `number` of the prompt in `row`; the one place a version is looked up by number, for
 * every door. Throws not_found (404) when there is none. A number that was given and then deleted
 * stays not found forever, because numbers are never given again (docs/versions.md), and so
 * does a number skipped by an explicit higher one: its detail says so, so a caller holding an
 * old number learns why it does not resolve.
 */
export function versionOf(ctx: Ctx, row: PromptRow, number: number): PromptVersion {
  const version = ctx.store.versions.get(row.id, number);
  if (version) return version;
  if (number >= 1 && number <= ctx.store.versions.highWater(row.id)) {
    // Only the high-water mark is kept, so a deleted number and one skipped by an explicit
    // higher number (Conductor's ?version=7 after v4) look alike: the text names both.
    throw new AppError('not_found', `Version ${number} of prompt "${row.name}" does not exist: it was deleted, or skipped when a higher number was saved explicitly; version numbers are never given again`);
  }
  throw notFound(`Version ${number} of prompt "${row.name}"`);
}

export function getVersion(ctx: Ctx, name: string, number: number, action: Action = 'read'): PromptVersion {
  assertActive(ctx.actor);
  return versionOf(ctx, requirePrompt(ctx, name, action), number);
}

/**
 * Where a prompt is served from (seed 000): an API deployment (the native HTTP API and the
 * Conductor- and Respan-style APIs) honours the pin, "so code integrations are not affected by
 * ongoing prompt edits"; the app (chat, the chat launcher, the test panel's default) gets the
 * active version, which is what chat users receive.
 */
export type ServingDoor = 'deployment' | 'active';

/** The door a call comes through: HTTP API calls are API deployments, the app's calls are not. */
export const servingDoor = (ctx: Ctx): ServingDoor => (ctx.via ? 'deployment' : 'active');

/**
 * The version the API deployment is set to: the pinned version, else the published one; null when
 * neither (never pinned nor promoted: nothing was deployed, and API callers get the newest, see
 * servedNumber). What seed 004 calls deployed (Respan `deployed_version`, `is_deployed`).
 *
 * @example deployedNumber({ pinned_version: 2, published_version: 3 }) // 2
 */
export function deployedNumber(row: Pick<PromptRow, 'pinned_version' | 'published_version'>): number | null {
  return row.pinned_version ?? row.published_version;
}

/**
 * The one rule for which version a door serves, as a number (null: nothing saved yet).
 * `active`: the published version, else (never promoted) the newest. `deployment`: the deployed
 * version (deployedNumber: pinned, else published), else the newest.
 *
 * @example servedNumber(row, 'active') // 3 when v3 is published, even if the API is pinned to v2
 */
export function servedNumber(row: Pick<PromptRow, 'pinned_version' | 'published_version' | 'latest_version'>, door: ServingDoor): number | null {
  if (door === 'deployment') return deployedNumber(row) ?? row.latest_version;
  return row.published_version ?? row.latest_version;
}

/** 409 for rendering, running (or, with `doing`, e.g. refining) a prompt that exists but has no saved version yet. */
export const noSavedVersion = (name: string, doing = 'rendering or running') =>
  new AppError('conflict', `Prompt "${name}" has no saved version yet: save a version before ${doing} it`, 'version');

/**
 * The version a caller gets: the one asked for (`number`), else the one `door` serves
 * (servedNumber; by default the door the call came through). Throws not_found for an unknown or
 * deleted number, and a 409 conflict ("no saved version yet") when the prompt has none.
 */
export function servedVersion(ctx: Ctx, name: string, number?: number, action: Action = 'read', door: ServingDoor = servingDoor(ctx)): PromptVersion {
  return servedVersionOf(ctx, requirePrompt(ctx, name, action), number, door);
}

/**
 * {@link servedVersion} of a prompt the caller has already checked (`row`: requirePrompt's answer
 * for this call), so a render does not run the access rules twice. Same errors after the check.
 */
export function servedVersionOf(ctx: Ctx, row: PromptRow, number?: number, door: ServingDoor = servingDoor(ctx)): PromptVersion {
  if (number !== undefined) return versionOf(ctx, row, number);
  const served = servedNumber(row, door);
  if (served === null) throw noSavedVersion(row.name);
  return versionOf(ctx, row, served);
}

/**
 * The version shown with a prompt (`GET /api/v1/prompts/{name}`): the one asked for, else the one
 * this door serves, else null for a prompt with no saved version yet (it exists: 200, not 404).
 */
export function shownVersion(ctx: Ctx, name: string, number?: number): PromptVersion | null {
  if (number !== undefined) return getVersion(ctx, name, number);
  const row = requirePrompt(ctx, name, 'read');
  const served = servedNumber(row, servingDoor(ctx));
  return served === null ? null : versionOf(ctx, row, served);
}
