import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { AppError, conflict, invalid, notFound } from '../errors';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { PromptVersion, SaveVersionInput, VersionSummary } from '../../../shared/schemas/prompts';
import { analyzeTemplate, isTemplateEmpty, type Template, type VariableMeta } from '../../../shared/template/template';
import { reindexPrompt } from '../prompts/prompts-service';
import { requirePrompt } from '../sharing/access';
import type { Action } from '../../../shared/schemas/sharing';
import { assertActive } from '../users/users-service';

type SaveParsed = z.output<typeof SaveVersionInput>;

/** Rejects a template a user could not render: empty, or with a malformed `{{...}}`. */
export function validateTemplate(template: Template): string[] {
  if (isTemplateEmpty(template)) {
    throw invalid('The template is empty: write the prompt text before saving', template.kind === 'text' ? 'template.text' : 'template.messages');
  }
  const analysis = analyzeTemplate(template);
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
 */
export function saveVersion(ctx: Ctx, input: SaveParsed): PromptVersion {
  assertActive(ctx.actor);
  const detected = validateTemplate(input.template);
  const { store } = ctx;
  const number = store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'edit');
    // The next number follows every number ever given (deleted ones too): numbers are identities.
    const next = store.versions.nextNumber(row.id);
    const newest = row.latest_version ?? 0;
    if (input.baseVersion !== undefined && input.baseVersion !== newest) {
      throw conflict(
        `Version ${newest} was saved after you started editing version ${input.baseVersion}; reload to see it before saving`,
        'baseVersion',
      );
    }
    const now = nowIso(ctx);
    store.versions.insert({
      id: randomUUID(),
      promptId: row.id,
      number: next,
      template: input.template,
      variables: alignVariables(detected, input.variables),
      modelSettings: input.modelSettings,
      displayMessage: input.displayMessage?.trim() || null,
      commitMessage: input.commitMessage.trim(),
      authorId: ctx.actor.id,
      createdAt: now,
    });
    store.prompts.setLatestVersion(row.id, next, now);
    reindexPrompt(ctx, row, input.template);
    return next;
  });
  return getVersion(ctx, input.name, number);
}


export function listVersions(ctx: Ctx, name: string): VersionSummary[] {
  assertActive(ctx.actor);
  return ctx.store.versions.list(requirePrompt(ctx, name, 'read').id);
}

/**
 * Version `number` of the prompt in `row`; the one place a version is looked up by number, for
 * every door. Throws not_found (404) when there is none. A number that was given and then deleted
 * stays not found forever, because numbers are never given again (docs/versions.md): its detail
 * says so, so a caller holding an old number learns why it stopped resolving.
 */
export function versionOf(ctx: Ctx, row: PromptRow, number: number): PromptVersion {
  const version = ctx.store.versions.get(row.id, number);
  if (version) return version;
  if (number >= 1 && number <= ctx.store.versions.highWater(row.id)) {
    throw new AppError('not_found', `Version ${number} of prompt "${row.name}" was deleted; version numbers are never given again`);
  }
  throw notFound(`Version ${number} of prompt "${row.name}"`);
}

export function getVersion(ctx: Ctx, name: string, number: number, action: Action = 'read'): PromptVersion {
  assertActive(ctx.actor);
  return versionOf(ctx, requirePrompt(ctx, name, action), number);
}

/**
 * The version API callers get: the one asked for; else the pinned deployment version; else the
 * published one; else, for a prompt never promoted, the newest.
 */
export function servedVersion(ctx: Ctx, name: string, number?: number, action: Action = 'read'): PromptVersion {
  if (number !== undefined) return getVersion(ctx, name, number, action);
  const row = requirePrompt(ctx, name, action);
  const served = row.pinned_version ?? row.published_version ?? row.latest_version;
  if (!served) throw notFound(`Prompt "${name}" has no saved version yet`);
  return getVersion(ctx, name, served, action);
}
